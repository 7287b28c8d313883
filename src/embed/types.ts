/**
 * @module embed/types
 * Types shared by the script-tag launcher and the Vue panel chunk. Types only: a runtime module shared by
 * both would make the bundler turn the launcher into an ES module with exports, and it must stay one
 * classic script.
 */
import type { ParleyChatProps } from '../components/ParleyChat.vue'
import type { PreChatConfig, PreChatField } from '../components/pre-chat'
import type { MessageFrame } from '../protocol'

export type { PreChatConfig, PreChatField }

/**
 * `Parley.init()` and the `data-*` attributes: the props of `<ParleyChat>` (one list, so the two cannot drift
 * apart), with the BFF's URL required and the CSP nonce of the launcher's own styles.
 */
export interface EmbedOptions extends Omit<ParleyChatProps, 'bffUrl'> {
  /** Base URL of the BFF. @default the origin the script was loaded from */
  bffUrl: string
  /** CSP nonce for the `<style>` fallback where constructable stylesheets are missing. @default the script tag's */
  nonce?: string
}

/** A host-signed identity token, or a function that fetches a fresh one. */
export type IdentityToken = NonNullable<EmbedOptions['identityToken']>

export interface EmbedEvents {
  /** The launcher is on the page. */
  ready: undefined
  open: undefined
  close: undefined
  /** A new agent or bot message. */
  message: MessageFrame
  /** Unread agent and bot messages while the panel is closed. */
  unread: number
  error: { code: string; message: string }
}
export type EmbedEventName = keyof EmbedEvents

/** What the panel chunk hands back to the launcher. */
export interface PanelController {
  open(): Promise<void>
  close(): Promise<void>
  toggle(): Promise<void>
  endChat(): Promise<void>
  identify(token: IdentityToken): Promise<void>
  logout(): Promise<void>
  unmount(): void
}

/** The panel chunk's exports. */
export interface PanelModule {
  mountPanel: MountPanel
  PANEL_CSS: string
}

/** Resolves once the widget is on the page in its language (the catalogue is loaded before it mounts). */
export type MountPanel = (target: HTMLElement, options: EmbedOptions, emit: <K extends EmbedEventName>(event: K, detail: EmbedEvents[K]) => void) => Promise<PanelController>

/** `window.Parley`. */
export interface ParleyApi {
  readonly version: string
  /** Configure and put the widget on the page (again); the script tag does this by itself unless `data-auto="false"`. */
  init(options?: Partial<EmbedOptions>): HTMLElement
  open(): Promise<void>
  close(): Promise<void>
  toggle(): Promise<void>
  on<K extends EmbedEventName>(event: K, listener: (detail: EmbedEvents[K]) => void): void
  off<K extends EmbedEventName>(event: K, listener: (detail: EmbedEvents[K]) => void): void
  /** Custom attributes for the guest session; they go with the next session the widget creates. */
  setAttributes(attributes: Record<string, string>): void
  /** End the conversation and clear this device. */
  endChat(): Promise<void>
  /** The visitor signed in on your site: a token your backend signed (docs/identity.md), or a function that fetches one. */
  identify(token: IdentityToken): Promise<void>
  /** End the verified session on this device: storage is cleared and a new anonymous guest starts. */
  logout(): Promise<void>
  /** Remove the widget and its listeners from the page. */
  destroy(): void
}
