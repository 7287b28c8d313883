/**
 * @module context
 * The typed injection key of the plugin's options.
 */
import type { InjectionKey } from 'vue'
import type { Messages } from './i18n'

/** Options given to `createParley()`, the defaults for every `<ParleyChat>` in the app. */
export interface ParleyOptions {
  /** Base URL of the Parley BFF, e.g. `https://chat.example.com`. */
  bffUrl: string
  /** Panel title. @default 'Chat with us', in the widget's language */
  title?: string
  /** Where the session and outbox survive a reload. @default 'session' */
  persist?: 'session' | 'local' | 'none'
  /** The widget's language, a BCP 47 tag; docs/languages.md. @default 'auto' (the visitor's browser languages) */
  locale?: string
  /** Your own wording for any of the widget's strings; a `<ParleyChat messages>` prop wins over these. */
  messages?: Partial<Messages>
}

export const PARLEY_OPTIONS: InjectionKey<ParleyOptions> = Symbol('ParleyOptions')
