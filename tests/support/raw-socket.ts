/**
 * A WebSocket client on `node:net` that can send what no real client would: unmasked frames, reserved
 * bits, bad opcodes, lying lengths. Probes the server's RFC 6455 handling (QUALITY.md §3.5).
 */
import { randomBytes } from 'node:crypto'
import { connect, type Socket } from 'node:net'

export interface FrameOptions {
  fin?: boolean
  rsv1?: boolean
  opcode: number
  payload?: Buffer
  /** @default true (clients must mask) */
  masked?: boolean
  /** Declare this length instead of the payload's (a header that lies). */
  declaredLength?: number
}

export function encodeFrame(o: FrameOptions): Buffer {
  const payload = o.payload ?? Buffer.alloc(0)
  const length = o.declaredLength ?? payload.length
  const masked = o.masked ?? true
  const head = [((o.fin ?? true) ? 0x80 : 0) | (o.rsv1 ? 0x40 : 0) | o.opcode]
  const maskBit = masked ? 0x80 : 0
  let ext = Buffer.alloc(0)
  if (length < 126) head.push(maskBit | length)
  else if (length < 65536) {
    head.push(maskBit | 126)
    ext = Buffer.alloc(2)
    ext.writeUInt16BE(length)
  } else {
    head.push(maskBit | 127)
    ext = Buffer.alloc(8)
    ext.writeBigUInt64BE(BigInt(length))
  }
  if (!masked) return Buffer.concat([Buffer.from(head), ext, payload])
  const mask = randomBytes(4)
  const body = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0)))
  return Buffer.concat([Buffer.from(head), ext, mask, body])
}

export interface RawSocket {
  socket: Socket
  send(frame: FrameOptions): void
  /** The close code the server sent, or undefined if it just dropped the connection. */
  closed: Promise<number | undefined>
}

/** Upgrade by hand, then hand over the bare socket. */
export function openRawSocket(port: number, headers: Record<string, string>): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.on('error', () => undefined) // the server may reset a socket it refused
    let buffered = Buffer.alloc(0)
    let upgraded = false
    let closeCode: number | undefined
    const closed = new Promise<number | undefined>((done) => socket.on('close', () => done(closeCode)))
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buffered.subarray(0, end).toString('latin1')
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head.split('\r\n')[0]))
        upgraded = true
        buffered = buffered.subarray(end + 4)
        resolve({ socket, send: (f) => socket.write(encodeFrame(f)), closed })
      }
      // the server's frames are unmasked; remember the code of its close frame (opcode 8)
      for (let i = 0; i + 2 <= buffered.length; ) {
        const opcode = (buffered[i] ?? 0) & 0x0f
        const len7 = (buffered[i + 1] ?? 0) & 0x7f
        const extra = len7 === 126 ? 2 : len7 === 127 ? 8 : 0
        if (i + 2 + extra > buffered.length) break
        const len = len7 === 126 ? buffered.readUInt16BE(i + 2) : len7 === 127 ? Number(buffered.readBigUInt64BE(i + 2)) : len7
        const start = i + 2 + extra
        if (start + len > buffered.length) break
        if (opcode === 8 && len >= 2) closeCode = buffered.readUInt16BE(start)
        i = start + len
      }
    })
    socket.on('connect', () => {
      const lines = Object.entries({
        Host: `127.0.0.1:${port}`,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      }).map(([k, v]) => `${k}: ${v}`)
      socket.write(`GET /api/socket HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`)
    })
  })
}
