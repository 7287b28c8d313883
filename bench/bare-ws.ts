/**
 * The yardstick for the relay benchmark: a bare `ws` server that parses the same `send` frames the BFF
 * takes, checks their fields, and acks each with a sequence number. No auth, store or fan-out; this is
 * the most a Node process can do with these frames, so the BFF's share of it is its overhead.
 */
import { WebSocketServer } from 'ws'
import { asObject, readId, readString } from '../src/protocol/read'

const port = Number(process.env.PORT)
const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 65536 })
let seq = 0
server.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'ready' }))
  ws.on('message', (data: Buffer) => {
    let raw: unknown
    try {
      raw = JSON.parse(data.toString('utf8'))
    } catch {
      return ws.send(JSON.stringify({ type: 'error', code: 'bad_frame' }))
    }
    const o = asObject(raw)
    const clientMessageId = o && readId(o, 'clientMessageId')
    const text = o && readString(o, 'text', 4000)
    if (o?.type !== 'send' || !clientMessageId || text === undefined) return ws.send(JSON.stringify({ type: 'error', code: 'bad_frame' }))
    ws.send(JSON.stringify({ type: 'ack', clientMessageId, seq: ++seq }))
  })
})
server.on('listening', () => console.error(`bare ws on ${port}`))
