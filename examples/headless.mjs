// The headless client in Node: create a guest, send messages, print the replies, leave.
//
//   npm run build && npm start            # in one terminal (or any running Parley BFF)
//   node examples/headless.mjs http://127.0.0.1:8080 "Hello" "Do you ship to Norway?"
//
// For bots, load tests and server-side integrations. Node 20 has no global WebSocket, so `ws` is passed
// in; the BFF accepts sockets only from allowed Origins, so the socket says it comes from the BFF's own
// origin (allowed by default; otherwise add it to PARLEY_ALLOWED_ORIGINS).
import WebSocket from 'ws'
import { createChatClient } from 'parley/client'

const [bffUrl = 'http://127.0.0.1:8080', ...texts] = process.argv.slice(2)
const messages = texts.length > 0 ? texts : ['Hello from a script']
const origin = new URL(bffUrl).origin

const client = createChatClient({
  bffUrl,
  WebSocket: (url, protocols) => new WebSocket(url, protocols, { origin }),
})

let replies = 0
let sent = false
// the seq of our first message in the transcript: agent and bot messages after it answer us
let firstSeq = Infinity
const done = new Promise((resolve) => {
  client.on('entries', (entries) => {
    for (const e of entries) {
      if (e.type === 'message' && e.role === 'guest') firstSeq = Math.min(firstSeq, e.seq)
      if (e.type !== 'message' || e.role === 'guest') continue
      console.log(`${e.author?.name ?? e.role}: ${e.text}`)
      if (e.seq > firstSeq && ++replies >= messages.length) resolve()
    }
  })
})
client.on('error', (e) => console.error(`error ${e.code}: ${e.message}`))
client.on('connection', (state) => {
  if (state.status !== 'open' || sent) return
  sent = true
  for (const text of messages) {
    client.send(text)
    console.log(`you: ${text}`)
  }
})

await client.start()
const timeout = setTimeout(() => {
  console.error('no reply within 15 s')
  process.exit(1)
}, 15_000)
await done
clearTimeout(timeout)
client.stop()
