/**
 * @module context
 * The typed injection key of the plugin's options.
 */
import type { InjectionKey } from 'vue'

/** Options given to `createParley()`, the defaults for every `<ParleyChat>` in the app. */
export interface ParleyOptions {
  /** Base URL of the Parley BFF, e.g. `https://chat.example.com`. */
  bffUrl: string
  /** Panel title. @default 'Chat with us' */
  title?: string
  /** Where the session and outbox survive a reload. @default 'session' */
  persist?: 'session' | 'local' | 'none'
}

export const PARLEY_OPTIONS: InjectionKey<ParleyOptions> = Symbol('ParleyOptions')
