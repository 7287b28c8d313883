import { createServer, connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { batchWrites } from './batch-writes'

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('batched socket writes', () => {
  const cleanup: (() => void)[] = []
  afterEach(() => cleanup.splice(0).forEach((f) => f()))

  it('corks once per loop turn and uncorks after it', async () => {
    const calls: string[] = []
    const batch = batchWrites({ cork: () => void calls.push('cork'), uncork: () => void calls.push('uncork') })
    batch()
    batch()
    await Promise.resolve()
    batch()
    expect(calls).toEqual(['cork'])
    await turn()
    expect(calls).toEqual(['cork', 'uncork'])
    batch()
    await turn()
    expect(calls).toEqual(['cork', 'uncork', 'cork', 'uncork'])
  })

  it('sends the writes of one turn in one system call, in order, over a real TCP socket', async () => {
    const received: Buffer[] = []
    const server = createServer((s) => s.on('data', (d: Buffer) => received.push(d)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    cleanup.push(() => server.close())
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('no port')
    const client: Socket = connect(address.port, '127.0.0.1')
    cleanup.push(() => client.destroy())
    await new Promise<void>((resolve) => client.once('connect', resolve))
    // count what reaches the kernel: a corked stream hands all its chunks to one _writev
    let syscalls = 0
    const writev = client._writev?.bind(client)
    const write = client._write.bind(client)
    client._writev = (chunks, cb) => {
      syscalls++
      writev?.(chunks, cb)
    }
    client._write = (chunk, encoding, cb) => {
      syscalls++
      write(chunk, encoding, cb)
    }
    const batch = batchWrites(client)
    for (const part of ['ack ', 'message ', 'receipt']) {
      batch()
      client.write(part)
    }
    await turn()
    const deadline = Date.now() + 5000
    while (Buffer.concat(received).length < 19 && Date.now() < deadline) await turn()
    expect(Buffer.concat(received).toString()).toBe('ack message receipt')
    expect(syscalls).toBe(1)
  })
})
