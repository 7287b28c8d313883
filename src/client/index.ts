/**
 * @module client
 * The framework-free client: the widget's engine and the headless client for Node.
 */
export { createChatClient, storageKeys, type ChatClient, type ChatClientEvents, type ChatClientOptions, type IdentitySource, type SessionHolder } from './chat-client'
export { createSharedChatClient, type SharedChatClient, type SharedChatClientOptions, type TabRole } from './shared-client'
export { browserTabEnv, type ChannelLike, type LockManagerLike, type TabEnv } from './tabs'
export { createBffClient, BffError, type BffClient, type BffClientOptions } from './bff-http'
export { createConnection, type Connection, type ConnectionOptions, type ConnectionState } from './connection'
export { backoffDelay, type BackoffOptions } from './backoff'
export type { OutboxItem } from './outbox'
export type { SocketFactory, SocketLike } from './socket'
export type { StorageLike } from './storage'
