/**
 * @module server/upstreams/genesys/requests
 * Client → Genesys frames (PROTOCOL.md §3.4), shaped like the ones Genesys' own SDK sends
 * (`fixtures/wm-client-*.json`). Every request carries the session token, which never leaves the BFF.
 */
import { HEALTH_CHECK_ID } from './frames'

export type Attributes = Record<string, string>

export type Request = Record<string, unknown> & { action: string; token: string }

/**
 * `customerId` is the Journey customer id. Genesys' SDK puts the session token there; Parley sends a
 * separate random id kept with the session, because the token is a credential and journey data is read
 * by far more people and systems than the session itself.
 */
export const configureSession = (token: string, deploymentId: string, startNew: boolean, tracingId: string, customerId: string): Request => ({
  action: 'configureSession',
  token,
  deploymentId,
  startNew,
  tracingId,
  journeyContext: { customer: { id: customerId, idType: 'cookie' }, customerSession: { id: '', type: 'web' } },
})

/** The same for a signed-in visitor: `data.code` is the Genesys JWT from the code exchange (PROTOCOL.md §3.16). */
export const configureAuthenticatedSession = (token: string, deploymentId: string, startNew: boolean, tracingId: string, customerId: string, jwt: string): Request => ({
  ...configureSession(token, deploymentId, startNew, tracingId, customerId),
  action: 'configureAuthenticatedSession',
  data: { code: jwt },
})

const withAttributes = (message: Record<string, unknown>, attributes: Attributes | undefined): Record<string, unknown> =>
  attributes && Object.keys(attributes).length ? { ...message, channel: { metadata: { customAttributes: attributes } } } : message

/**
 * A guest text. `tracingId` is the widget's clientMessageId: the Inbound echo carries it back, and
 * `metadata.customMessageId` keeps it on the message itself so a history page can tell it apart too.
 */
export const onMessageText = (token: string, tracingId: string, text: string, attributes?: Attributes): Request => ({
  action: 'onMessage',
  token,
  tracingId,
  message: withAttributes({ type: 'Text', text, metadata: { customMessageId: tracingId } }, attributes),
})

/** An answer to a quick reply (or a time slot: `kind` DatePicker); `originatingMessageId` is the Genesys id of the offer. */
export const onMessageButtonResponse = (
  token: string,
  tracingId: string,
  reply: { text: string; payload: string; kind: 'QuickReply' | 'DatePicker' | 'Button'; originatingMessageId?: string },
): Request => ({
  action: 'onMessage',
  token,
  tracingId,
  message: {
    type: reply.kind === 'Button' ? 'Structured' : 'Text',
    text: reply.kind === 'Button' ? reply.text : '',
    metadata: { customMessageId: tracingId },
    content: [
      {
        contentType: 'ButtonResponse',
        buttonResponse: {
          text: reply.text,
          payload: reply.payload,
          type: reply.kind,
          ...(reply.originatingMessageId ? { originatingMessageId: reply.originatingMessageId } : {}),
        },
      },
    ],
  },
})

export const onMessageAttachments = (token: string, tracingId: string, text: string, attachmentIds: string[], attributes?: Attributes): Request => ({
  action: 'onMessage',
  token,
  tracingId,
  message: withAttributes(
    {
      type: 'Text',
      text,
      metadata: { customMessageId: tracingId },
      content: attachmentIds.map((id) => ({ contentType: 'Attachment', attachment: { id } })),
    },
    attributes,
  ),
})

const event = (token: string, tracingId: string, ev: Record<string, unknown>, attributes?: Attributes): Request => ({
  action: 'onMessage',
  token,
  tracingId,
  message: withAttributes({ type: 'Event', events: [ev] }, attributes),
})

export const typingOn = (token: string, tracingId: string): Request => event(token, tracingId, { eventType: 'Typing', typing: { type: 'On' } })

export const presence = (token: string, tracingId: string, type: 'Join' | 'Clear', attributes?: Attributes): Request =>
  event(token, tracingId, { eventType: 'Presence', presence: { type } }, attributes)

export const echo = (token: string): Request => ({ action: 'echo', token, tracingId: HEALTH_CHECK_ID, message: { type: 'Text', text: 'ping' } })

export const getJwt = (token: string, tracingId: string): Request => ({ action: 'getJwt', token, tracingId })

export const closeSession = (token: string, tracingId: string): Request => ({ action: 'closeSession', token, tracingId, closeAllConnections: true })

export const onAttachment = (token: string, tracingId: string, file: { attachmentId: string; fileName: string; fileType: string; fileSize: number }): Request => ({
  action: 'onAttachment',
  token,
  tracingId,
  errorsAsJson: true,
  ...file,
})

/**
 * Custom attributes that fit `maxBytes` (Genesys answers 4013 past it): whole pairs in the guest's order,
 * measured as the UTF-8 JSON Genesys receives. Pairs that do not fit are left out and named in `dropped`.
 */
export function fitAttributes(attributes: Attributes, maxBytes: number | undefined): { kept: Attributes; dropped: string[] } {
  const kept: Attributes = {}
  const dropped: string[] = []
  for (const [key, value] of Object.entries(attributes)) {
    const candidate = { ...kept, [key]: value }
    if (maxBytes === undefined || Buffer.byteLength(JSON.stringify(candidate)) <= maxBytes) kept[key] = value
    else dropped.push(key)
  }
  return { kept, dropped }
}

/** A file uploaded but not sent, which the guest removed (PROTOCOL.md §3.14 step 6). */
export const deleteAttachment = (token: string, tracingId: string, attachmentId: string): Request => ({ action: 'deleteAttachment', token, tracingId, attachmentId })

/** A fresh download URL for a file (PROTOCOL.md §3.4): answered with a PresignedUrlResponse with empty headers. */
export const getAttachment = (token: string, tracingId: string, attachmentId: string): Request => ({ action: 'getAttachment', token, tracingId, attachmentId })
