/**
 * Every recorded Genesys frame in `tests/genesys/fixtures/` (provenance in its README) is mapped here, or
 * ignored with a stated reason: server frames through the parser and the transcript mapping, client frames against the
 * requests the connector builds, REST bodies through the history and config.json readers.
 * A new fixture file that is in neither list fails the suite.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { asObject } from '../../src/protocol/read'
import { parseDeployment } from '../../server/upstreams/genesys/deployment'
import { HEALTH_CHECK_ID, parseGenesysFrame, structuredMessage, type GenesysFrame } from '../../server/upstreams/genesys/frames'
import { inTimeOrder } from '../../server/upstreams/genesys/history'
import { mapStructuredMessage, type Mapped } from '../../server/upstreams/genesys/map'
import * as req from '../../server/upstreams/genesys/requests'

const DIR = new URL('../genesys/fixtures/', import.meta.url)
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
const text = (file: string): string => readFileSync(new URL(file, DIR), 'utf8')
const json = (file: string): unknown => JSON.parse(text(file))

function frame(file: string): GenesysFrame {
  const parsed = parseGenesysFrame(text(file))
  if (!parsed.ok) throw new Error(`${file}: ${parsed.reason}`)
  return parsed.frame
}

function mapped(file: string): Mapped[] {
  const f = frame(file)
  if (f.class !== 'StructuredMessage') throw new Error(`${file} is ${f.class}`)
  return mapStructuredMessage(f.body)
}

const IGNORED: Record<string, string> = {
  'legacy-channel-heartbeat.json': 'legacy Guest Chat API v2 (deprecated, PROTOCOL.md §4): Parley implements Web Messaging only',
  'legacy-channel-pong.json': 'legacy Guest Chat API v2 (deprecated, PROTOCOL.md §4)',
  'legacy-rest-create-conversation-request.json': 'legacy Guest Chat API v2 (deprecated, PROTOCOL.md §4)',
  'legacy-rest-create-conversation-response.json': 'legacy Guest Chat API v2 (deprecated, PROTOCOL.md §4)',
  'legacy-rest-send-message-request.json': 'legacy Guest Chat API v2 (deprecated, PROTOCOL.md §4)',
  'legacy-socket-closing-warning.json': 'legacy notification socket (PROTOCOL.md §4.3); not used by Web Messaging',
  'legacy-topic-member-change.json': 'legacy Guest Chat API v2 (deprecated, PROTOCOL.md §4)',
  'legacy-topic-message-standard.json': 'legacy Guest Chat API v2 (deprecated, PROTOCOL.md §4)',
}

/**
 * Client fixtures: the request we build, the paths we send that the fixture does not have, and the
 * fixture's paths we do not send (`metadata` is a free string map: ours carries `customMessageId`).
 */
const CLIENT: Record<string, { ours: Record<string, unknown>; extra: string[]; theirsOnly?: string[] }> = {
  'wm-client-configure-session.json': { ours: req.configureSession('t', 'd', false, 'x', 'c'), extra: ['tracingId'] },
  'wm-client-configure-session-minimal.json': { ours: req.configureSession('t', 'd', false, 'x', 'c'), extra: ['tracingId', 'startNew', 'journeyContext'] },
  'wm-client-configure-session-start-new.json': { ours: req.configureSession('t', 'd', true, 'x', 'c'), extra: ['journeyContext'] },
  'wm-client-configure-authenticated-session.json': { ours: req.configureAuthenticatedSession('t', 'd', false, 'x', 'c', 'jwt'), extra: ['journeyContext'] },
  'wm-client-onmessage-text.json': { ours: req.onMessageText('t', 'x', 'Hello world'), extra: ['message.metadata'] },
  'wm-client-onmessage-text-attachment-custom-attributes.json': {
    ours: req.onMessageAttachments('t', 'x', 'Hello world', ['abcd-1234'], { A: 'B' }),
    extra: ['message.metadata.customMessageId'],
    theirsOnly: ['message.metadata.id'],
  },
  'wm-client-onmessage-quick-reply-button-response.json': {
    ours: req.onMessageButtonResponse('t', 'x', { text: 'text_a', payload: 'payload_a', kind: 'QuickReply' }),
    extra: ['message.metadata'],
  },
  'wm-client-onmessage-typing-on.json': { ours: req.typingOn('t', 'x'), extra: [] },
  'wm-client-onmessage-presence-join-autostart.json': { ours: req.presence('t', 'x', 'Join', { A: 'B' }), extra: ['tracingId'] },
  'wm-client-onmessage-presence-clear.json': { ours: req.presence('t', 'x', 'Clear'), extra: [] },
  'wm-client-echo.json': { ours: req.echo('t'), extra: [] },
  'wm-client-get-jwt.json': { ours: req.getJwt('t', 'x'), extra: [] },
  'wm-client-close-session.json': { ours: req.closeSession('t', 'x'), extra: [] },
  'wm-client-get-attachment.json': { ours: req.getAttachment('t', 'x', 'a'), extra: [] },
  'wm-client-delete-attachment.json': { ours: req.deleteAttachment('t', 'x', 'a'), extra: [] },
  'wm-client-on-attachment.json': { ours: req.onAttachment('t', 'x', { attachmentId: 'a', fileName: 'f.png', fileType: 'image/png', fileSize: 1 }), extra: [] },
}

/** Leaf paths with their JSON types; array items are described by their first element. */
function paths(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  const o = asObject(value)
  if (Array.isArray(value)) {
    for (const [k, v] of paths(value[0], `${prefix}[]`)) out.set(k, v)
    if (!value.length) out.set(`${prefix}[]`, 'empty')
  } else if (o) for (const key of Object.keys(o)) for (const [k, v] of paths(o[key], prefix ? `${prefix}.${key}` : key)) out.set(k, v)
  else out.set(prefix, value === null ? 'null' : typeof value)
  return out
}

const SERVER: Record<string, (file: string) => void> = {
  'wm-session-response-new-session.json': (f) =>
    expect(frame(f)).toEqual({
      class: 'SessionResponse',
      body: {
        connected: true,
        newSession: true,
        readOnly: false,
        clearedExistingSession: false,
        maxCustomDataBytes: 100,
        allowedMedia: { fileTypes: ['*/*', 'video/3gpp'], maxFileSizeKB: 10240 },
        blockedExtensions: ['.ade'],
      },
    }),
  'wm-session-response-existing-session.json': (f) => expect(frame(f)).toMatchObject({ class: 'SessionResponse', body: { connected: true, newSession: false } }),
  'wm-session-response-real-minimal.json': (f) => expect(frame(f)).toMatchObject({ class: 'SessionResponse', body: { connected: true, newSession: true, readOnly: false } }),
  'wm-session-response-read-only.json': (f) => expect(frame(f)).toMatchObject({ class: 'SessionResponse', body: { readOnly: true, maxCustomDataBytes: 100 } }),
  'wm-session-response-after-close-session.json': (f) => expect(frame(f)).toMatchObject({ class: 'SessionResponse', body: { connected: false } }),
  'wm-structured-message-text-inbound-echo.json': (f) => {
    expect(frame(f)).toMatchObject({ class: 'StructuredMessage', tracingId: 'some_custom_message_id' })
    expect(mapped(f)).toEqual([{ kind: 'guest-message', text: 'Hello world!', rich: {} }])
  },
  'wm-structured-message-text-inbound-real.json': (f) => expect(mapped(f)).toEqual([{ kind: 'guest-message', text: 'Hi', rich: {} }]),
  'wm-structured-message-text-outbound-bot-real.json': (f) =>
    expect(mapped(f)).toEqual([{ kind: 'message', role: 'bot', text: 'Welcome! How can I help?', author: { name: 'Bot' }, rich: {} }]),
  'wm-structured-message-text-outbound-agent.json': (f) =>
    expect(mapped(f)).toEqual([{ kind: 'message', role: 'agent', text: 'This is the message from another participant', author: { name: 'Tony Stark' }, rich: {} }]),
  'wm-structured-message-quick-replies.json': (f) =>
    expect(mapped(f)).toEqual([
      {
        kind: 'message',
        role: 'bot',
        text: 'Hi',
        author: { name: 'Bot' },
        rich: { quickReplies: [{ text: 'text_a', payload: 'payload_a' }, { text: 'text_b', payload: 'payload_b' }] },
      },
    ]),
  'wm-structured-message-quick-replies-no-action.json': (f) =>
    expect(mapped(f)).toMatchObject([{ kind: 'message', role: 'bot', text: 'What would you like to do?', rich: { quickReplies: [{ text: 'Yes' }, { text: 'No' }] } }]),
  'wm-structured-message-card-postback.json': (f) =>
    expect(mapped(f)).toEqual([
      {
        kind: 'message',
        role: 'bot',
        text: 'You selected this card option',
        author: { name: 'Bot' },
        rich: {
          cards: [
            {
              title: 'Title',
              description: 'Description',
              imageUrl: 'http://image.com/image.png',
              actions: [{ type: 'postback', text: 'Select this option', payload: 'postback_payload' }],
            },
          ],
        },
      },
    ]),
  'wm-structured-message-carousel.json': (f) =>
    expect(mapped(f)).toEqual([
      {
        kind: 'message',
        role: 'agent',
        text: 'Carousel content test',
        rich: {
          cards: [
            { title: 'Card 1', description: 'D1', actions: [{ type: 'link', text: 'Open', url: 'http://example.org' }] },
            { title: 'Card 2', description: 'D2', actions: [] },
          ],
        },
      },
    ]),
  'wm-structured-message-datepicker.json': (f) =>
    expect(mapped(f)).toEqual([
      {
        kind: 'message',
        role: 'bot',
        text: 'Pick a time',
        author: { name: 'Bot' },
        rich: { datePicker: { title: 'Select a time slot', subtitle: 'Choose an available time', slots: [{ dateTime: '2022-08-22T19:24:26.704Z', durationSeconds: 30 }] } },
      },
    ]),
  'wm-structured-message-attachment.json': (f) =>
    expect(mapped(f)).toEqual([
      { kind: 'message', role: 'agent', text: 'Hi', rich: { attachments: [{ id: 'attachment_id', name: 'image.png', type: 'image/png', size: 100, url: 'https://downloadurl.com' }] } },
    ]),
  'wm-event-typing-on-agent.json': (f) => expect(mapped(f)).toEqual([{ kind: 'typing', active: true, durationMs: 5000 }]),
  'wm-event-presence-disconnect-readonly-real.json': (f) => expect(mapped(f)).toEqual([{ kind: 'read-only' }]),
  'wm-event-presence-disconnect-real.json': (f) => expect(mapped(f)).toEqual([{ kind: 'event', event: 'agent-left' }]),
  'wm-event-presence-join-inbound-autostart-ack.json': (f) => expect(mapped(f)).toEqual([{ kind: 'ignored', reason: 'inbound Join echo' }]),
  'wm-echo-response.json': (f) => expect(frame(f)).toMatchObject({ class: 'StructuredMessage', tracingId: HEALTH_CHECK_ID }),
  'wm-echo-response-with-session-duration.json': (f) =>
    expect(frame(f)).toMatchObject({ class: 'StructuredMessage', tracingId: HEALTH_CHECK_ID, body: { metadata: { durationSeconds: '259200', expirationDate: '1767225600' } } }),
  'wm-jwt-response.json': (f) => expect(frame(f)).toEqual({ class: 'JwtResponse', jwt: 'expected-jwt-token', exp: 1623675564 }),
  'wm-presigned-url-response-upload.json': (f) =>
    expect(frame(f)).toMatchObject({ class: 'PresignedUrlResponse', attachmentId: 'abcd-1234', url: 'https://uploads.url/foo.png', headers: { 'x-amz-tagging': expect.stringContaining('organizationId') } }),
  'wm-presigned-url-response-refresh.json': (f) => expect(frame(f)).toMatchObject({ class: 'PresignedUrlResponse', url: 'https://downloadUrl.com', headers: {} }),
  'wm-upload-success-event.json': (f) => expect(frame(f)).toEqual({ class: 'UploadSuccessEvent', attachmentId: 'abcd-1234', downloadUrl: 'https://uploads.url/foo.png' }),
  'wm-upload-failure-event.json': (f) => expect(frame(f)).toEqual({ class: 'UploadFailureEvent', attachmentId: 'abcd-1234', errorCode: 4001, errorMessage: 'error message' }),
  'wm-generate-url-error.json': (f) => expect(frame(f)).toEqual({ class: 'GenerateUrlError', attachmentId: 'abcd-1234', errorCode: 4001, errorMessage: 'error message' }),
  'wm-attachment-deleted-response.json': (f) => expect(frame(f)).toEqual({ class: 'AttachmentDeletedResponse', attachmentId: 'attachment_id' }),
  'wm-too-many-requests.json': (f) =>
    expect(frame(f)).toEqual({ class: 'TooManyRequests', code: 429, retryAfterSeconds: 3, errorMessage: 'Message rate too high for this session' }),
  'wm-error-400-request-failed.json': (f) => expect(frame(f)).toMatchObject({ class: 'Error', code: 400 }),
  'wm-error-400-deployment-not-found.json': (f) => expect(frame(f)).toEqual({ class: 'Error', code: 400, message: 'Deployment not found' }),
  'wm-error-401-unauthorized.json': (f) => expect(frame(f)).toMatchObject({ class: 'Error', code: 401 }),
  'wm-error-403-feature-toggle.json': (f) => expect(frame(f)).toMatchObject({ class: 'Error', code: 403 }),
  'wm-error-409-session-read-only-real.json': (f) => expect(frame(f)).toEqual({ class: 'Error', code: 409, message: 'Session is read-only, no new messages allowed' }),
  'wm-error-4006-session-expired.json': (f) => expect(frame(f)).toMatchObject({ class: 'Error', code: 4006 }),
  'wm-error-4007-session-not-found.json': (f) => expect(frame(f)).toMatchObject({ class: 'Error', code: 4007 }),
  'wm-error-4011-message-too-long.json': (f) => expect(frame(f)).toMatchObject({ class: 'Error', code: 4011 }),
  'wm-error-4013-custom-attributes-too-large.json': (f) => expect(frame(f)).toMatchObject({ class: 'Error', code: 4013 }),
  'wm-error-5000-request-failed.json': (f) => expect(frame(f)).toEqual({ class: 'Error', code: 5000, message: 'Request failed.' }),
  'wm-session-expired-event.json': (f) => expect(frame(f)).toEqual({ class: 'SessionExpiredEvent' }),
  'wm-session-cleared-event.json': (f) => expect(frame(f)).toEqual({ class: 'SessionClearedEvent' }),
  'wm-connection-closed-event.json': (f) => expect(frame(f)).toEqual({ class: 'ConnectionClosedEvent' }),
  'wm-connection-closed-event-signed-in.json': (f) => expect(frame(f)).toEqual({ class: 'ConnectionClosedEvent', reason: 'signedIn' }),
  // authenticated sessions: the session ends (tests/genesys/auth.test.ts)
  'wm-logout-event.json': (f) => expect(frame(f)).toEqual({ class: 'LogoutEvent' }),
  'wm-rest-history-page.json': (f) => {
    const entities = asObject(json(f))?.entities
    const messages = (Array.isArray(entities) ? entities : []).map((e) => structuredMessage(asObject(e) ?? {}))
    expect(messages.every(Boolean)).toBe(true)
    // newest first with null times in between: time order keeps the null-time entries after their predecessor
    const ordered = inTimeOrder(messages.flatMap((m) => (m ? [m] : [])).reverse())
    expect(ordered.map((m) => m.id)).toEqual(['message3_id', '46e7001c24abed05e9bcd1a006eb54b7', '5befde6373a23f32f20b59b4e1cba0e6'])
    expect(ordered.flatMap(mapStructuredMessage).map((x) => x.kind)).toEqual(['message', 'ignored', 'message'])
  },
  'wm-rest-history-page-empty.json': (f) => expect(asObject(json(f))?.entities).toEqual([]),
  'wm-rest-deployment-config.json': (f) =>
    expect(parseDeployment(asObject(json(f)) ?? {})).toEqual({
      status: 'Active',
      apiEndpoint: 'https://api.inindca.com',
      messagingEndpoint: 'wss://webmessaging.inindca.com',
      // the fixture names no typing flag: Genesys' SDK reads an absent flag as false
      showAgentTyping: false,
      showUserTyping: false,
      autoStart: false,
      disconnect: { enabled: true, type: 'ReadOnly' },
      clearEnabled: true,
      attachments: { enabled: true, limitsFrom: 'modes', modes: [{ fileTypes: ['image/png', 'image/jpeg', 'image/gif'], maxFileSizeKB: 10000 }] },
    }),
}

describe('Genesys fixtures', () => {
  it('finds the fixtures', () => expect(files.length).toBeGreaterThan(60))

  it('maps or ignores (with a reason) every fixture file', () => {
    const unaccounted = files.filter((f) => !(f in SERVER) && !(f in CLIENT) && !(f in IGNORED))
    expect(unaccounted).toEqual([])
    for (const reason of Object.values(IGNORED)) expect(reason.length).toBeGreaterThan(20)
  })

  for (const file of files.filter((f) => f in SERVER)) it(`server frame ${file}`, () => SERVER[file]?.(file))

  for (const file of files.filter((f) => f in CLIENT))
    it(`client frame ${file} is what the connector sends`, () => {
      const spec = CLIENT[file]
      if (!spec) throw new Error('no spec')
      const theirs = paths(json(file))
      const ours = paths(spec.ours)
      for (const [path, type] of theirs) if (!spec.theirsOnly?.includes(path)) expect({ path, type: ours.get(path) }).toEqual({ path, type })
      const extra = [...ours.keys()].filter((p) => !theirs.has(p) && !spec.extra.some((e) => p === e || p.startsWith(`${e}.`)))
      expect(extra).toEqual([])
    })

})
