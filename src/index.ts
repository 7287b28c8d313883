/**
 * @module parley
 * The public API of the Vue library. Every export is listed by hand; `index.test.ts` pins the list.
 */

// plugin and container
export { createParley } from './plugin'
export { default as ParleyChat } from './components/ParleyChat.vue'
export type { ParleyChatProps, ParleyChatEmits } from './components/ParleyChat.vue'
export type { ParleyOptions } from './context'
export type { PreChatConfig, PreChatField } from './components/pre-chat'

// languages
export { LOCALES, type Locale, type Messages } from './i18n'

// composables
export { useParley, type UseParleyOptions, type UseParleyReturn } from './composables/useParley'
export { useGuestSession, type UseGuestSessionReturn } from './composables/useGuestSession'
export { useChatSocket, type UseChatSocketOptions } from './composables/useChatSocket'
export { useAttention, type AttentionOptions, type UseAttentionReturn } from './composables/useAttention'
export { useUploads, type UploadChip, type UseUploadsReturn } from './composables/useUploads'

// stores
export { useChatStore, type ChatItem, type ConnectionView, type TypingView } from './stores/chat'
export { useSessionStore } from './stores/session'

// framework-free client
export { createChatClient, type ChatClient, type ChatClientOptions } from './client'

// protocol types
export type { GuestSession, ServerFrame, ClientFrame, TranscriptEntry, MessageFrame, EventFrame, Availability, OfflineMessageBody, RatingBody } from './protocol'
export type { Attachment, AttachmentLimits, Action, Card, DatePicker, Draft, QuickReply, Reply, RichContent } from './protocol'
