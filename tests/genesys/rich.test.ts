/**
 * Genesys Structured messages through the BFF (PROTOCOL.md §3.6): quick replies, cards, carousels and the
 * date picker reach the guest as rich content; the guest's answer goes back as a ButtonResponse.
 */
import { afterEach, expect, it } from 'vitest'
import { createGuest, openGuestSocket } from '../../server/test-support'
import { startGenesysApp, startSimulator, stopStarted, until } from './harness'

afterEach(stopStarted)

it('shows quick replies, cards and time slots, and sends the chosen answer as a ButtonResponse', async () => {
  const sim = await startSimulator()
  const app = await startGenesysApp(sim)
  const guest = await createGuest(app)
  const socket = await openGuestSocket(app, guest)
  await socket.next('ready')
  await until(() => sim.sessions.size === 1, 5000, 'session')
  const token = sim.only().token

  sim.agentContent(token, 'How can I help?', [
    { contentType: 'QuickReply', quickReply: { text: 'Order status', payload: 'status', action: 'Message' } },
    { contentType: 'QuickReply', quickReply: { text: '<script>alert(1)</script>', payload: 'x"><img src=x>', action: 'Message' } },
  ])
  const offer = await socket.next('message', (m) => m.role === 'bot')
  expect(offer.quickReplies).toEqual([
    { text: 'Order status', payload: 'status' },
    { text: '<script>alert(1)</script>', payload: 'x"><img src=x>' },
  ])

  socket.send({ type: 'send', clientMessageId: 'qr-1', text: 'Order status', reply: { kind: 'quick-reply', payload: 'status', messageId: offer.id } })
  const mine = await socket.next('message', (m) => m.clientMessageId === 'qr-1')
  expect(mine).toMatchObject({ role: 'guest', text: 'Order status', reply: { kind: 'quick-reply', payload: 'status' } })
  const sent = sim.requests.find((r) => r.action === 'onMessage' && JSON.stringify(r.frame).includes('ButtonResponse'))
  expect(sent?.frame).toMatchObject({
    message: { type: 'Text', content: [{ contentType: 'ButtonResponse', buttonResponse: { text: 'Order status', payload: 'status', type: 'QuickReply' } }] },
  })

  sim.agentContent(token, 'Pick one', [
    {
      contentType: 'Carousel',
      carousel: {
        cards: [
          { title: 'Plan A', description: 'Cheap', image: 'https://example.com/a.png', actions: [{ type: 'Postback', text: 'Choose A', payload: 'plan-a' }] },
          { title: 'Plan B', actions: [{ type: 'Link', text: 'Details', url: 'javascript:alert(1)' }] },
        ],
      },
    },
    { contentType: 'DatePicker', datePicker: { title: 'When?', availableTimes: [{ dateTime: '2030-01-02T10:00:00.000Z', duration: 1800 }] } },
  ])
  const cards = await socket.next('message', (m) => m.role === 'bot' && m.cards !== undefined)
  expect(cards.cards).toEqual([
    { title: 'Plan A', description: 'Cheap', imageUrl: 'https://example.com/a.png', actions: [{ type: 'postback', text: 'Choose A', payload: 'plan-a' }] },
    // a javascript: link is not a link the guest can be sent to
    { title: 'Plan B', actions: [] },
  ])
  expect(cards.datePicker).toEqual({ title: 'When?', slots: [{ dateTime: '2030-01-02T10:00:00.000Z', durationSeconds: 1800 }] })

  socket.send({ type: 'send', clientMessageId: 'pb-1', text: 'Choose A', reply: { kind: 'button', payload: 'plan-a' } })
  await socket.next('ack', (f) => f.clientMessageId === 'pb-1')
  const postback = sim.requests.filter((r) => r.action === 'onMessage').at(-1)
  expect(postback?.frame).toMatchObject({
    message: { type: 'Structured', text: 'Choose A', content: [{ contentType: 'ButtonResponse', buttonResponse: { payload: 'plan-a', type: 'Button' } }] },
  })
  socket.close()
})
