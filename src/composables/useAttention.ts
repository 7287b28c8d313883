/**
 * @module composables/useAttention
 * Getting the guest's attention for a reply they have not seen: the count in the page title, a short
 * sound (only after the guest has interacted with the page, as browsers require, and never when muted),
 * and a desktop notification while the tab is hidden, if the guest asked for them.
 */
import { tryOnScopeDispose } from '@vueuse/core'
import { shallowRef, watch, watchEffect, type Ref } from 'vue'
import { safeRead, safeWrite } from '../client/storage'
import { useI18n, type I18n } from '../i18n'
import { authorName } from '../protocol/display-text'
import type { MessageFrame } from '../protocol'

export interface AttentionOptions {
  /** Prefix the page title with the unread count, e.g. "(2) Shop". @default false */
  title?: boolean
  /** Play a short sound for a new reply (the guest can mute it). @default false */
  sound?: boolean
  /** Offer desktop notifications for replies while the tab is hidden. @default false */
  notifications?: boolean
}

export interface UseAttentionReturn {
  muted: Ref<boolean>
  /** The guest opted in and the browser allowed it. */
  notifying: Readonly<Ref<boolean>>
  /** Notifications are configured and the browser has them. */
  canNotify: boolean
  /** Ask the browser's permission (from a click) and turn notifications on or off. */
  setNotifying(on: boolean): Promise<void>
  /** A new reply arrived: sound and notification, as configured. */
  alert(message: MessageFrame, panelOpen: boolean): void
}

/**
 * A choice kept in localStorage, so it outlives the conversation. Plain reads and writes: VueUse's
 * useLocalStorage and useTitle live in one module with everything the panel takes from VueUse, so using them
 * here put about 1 kB into the panel even though this file loads later.
 */
function storedFlag(key: string): Ref<boolean> {
  let store: Storage | undefined
  try {
    store = localStorage
  } catch {
    // storage disabled by the browser: the choice lasts as long as the page
  }
  const flag = shallowRef(safeRead(store, key) === true)
  watch(flag, (on) => safeWrite(store, key, on))
  return flag
}

/** `i18n` words the notification; by default in the nearest `<ParleyChat>`'s language (English outside one). */
export function useAttention(options: AttentionOptions, unread: Ref<number>, onNotificationClick: () => void, { t }: I18n = useI18n()): UseAttentionReturn {
  const doc = typeof document === 'undefined' ? undefined : document
  const muted = storedFlag('parley:muted')
  const canNotify = Boolean(options.notifications) && typeof Notification !== 'undefined'
  const optedIn = storedFlag('parley:notify')
  const notifying = shallowRef(canNotify && Notification.permission === 'granted' && optedIn.value)

  if (options.title && doc) {
    const base = doc.title
    watchEffect(() => (doc.title = unread.value > 0 ? `(${unread.value > 99 ? '99+' : unread.value}) ${base}` : base))
    // the page's own title comes back when the widget goes away
    tryOnScopeDispose(() => (doc.title = base))
  }

  let audio: AudioContext | undefined
  function beep(): void {
    // browsers only let a page play sound once the visitor has interacted with it
    if (!options.sound || muted.value || !navigator.userActivation?.hasBeenActive || typeof AudioContext === 'undefined') return
    audio ??= new AudioContext()
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = 880
    gain.gain.setValueAtTime(0.08, audio.currentTime)
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.18)
    osc.connect(gain).connect(audio.destination)
    osc.start()
    osc.stop(audio.currentTime + 0.2)
  }
  tryOnScopeDispose(() => void audio?.close())

  return {
    muted,
    notifying,
    canNotify,
    async setNotifying(on) {
      if (!canNotify) return
      if (on && Notification.permission !== 'granted') await Notification.requestPermission()
      optedIn.value = notifying.value = on && Notification.permission === 'granted'
    },
    alert(message, panelOpen) {
      const hidden = doc?.visibilityState === 'hidden'
      if (!panelOpen || hidden) beep()
      if (notifying.value && hidden) {
        // the text as plain text: notifications do not render markup
        const n = new Notification(t('newMessageFrom', { name: authorName(message, t) }), { body: message.text.slice(0, 140), tag: 'parley-reply' })
        n.onclick = () => {
          window.focus()
          onNotificationClick()
          n.close()
        }
      }
    },
  }
}
