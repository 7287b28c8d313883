/**
 * @module desk/useDeskAlerts
 * Getting the agent's attention for a guest's message: a short sound, a desktop notification while the
 * desk's tab is hidden, and the unread count in the tab's title. Each is switched on or off by the agent
 * (kept in this browser); sound and title start on, notifications need the browser's permission.
 */
import { useLocalStorage, useTitle } from '@vueuse/core'
import { computed, type Ref } from 'vue'
import type { MessageFrame } from '../protocol'
import { displayText } from '../protocol/display-text'
import { previewText } from './format'

export interface DeskAlertSettings {
  sound: boolean
  desktop: boolean
  title: boolean
}

export function useDeskAlerts(unread: Ref<number>, onNotificationClick: (conversationId: string) => void) {
  const settings = useLocalStorage<DeskAlertSettings>('parley-desk-alerts', { sound: true, desktop: false, title: true }, { mergeDefaults: true })
  const canNotify = typeof Notification !== 'undefined'

  useTitle(computed(() => (settings.value.title && unread.value ? `(${unread.value > 99 ? '99+' : unread.value}) Parley desk` : 'Parley desk')))

  /** Turn desktop notifications on (asking the browser, from a click) or off. */
  async function setDesktop(on: boolean): Promise<void> {
    if (on && canNotify && Notification.permission !== 'granted') await Notification.requestPermission()
    settings.value = { ...settings.value, desktop: on && canNotify && Notification.permission === 'granted' }
  }

  let audio: AudioContext | undefined
  function beep(): void {
    // browsers only let a page play sound once the agent has interacted with it
    if (!navigator.userActivation?.hasBeenActive || typeof AudioContext === 'undefined') return
    audio ??= new AudioContext()
    const osc = audio.createOscillator()
    const gain = audio.createGain()
    osc.frequency.value = 660
    gain.gain.setValueAtTime(0.08, audio.currentTime)
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.2)
    osc.connect(gain).connect(audio.destination)
    osc.start()
    osc.stop(audio.currentTime + 0.22)
  }

  /** A guest wrote; `looking`: the agent has that conversation open in a visible tab. */
  function alert(conversationId: string, guestName: string, message: MessageFrame, looking: boolean): void {
    if (looking) return
    if (settings.value.sound) beep()
    if (settings.value.desktop && canNotify && Notification.permission === 'granted' && document.visibilityState === 'hidden') {
      const note = new Notification(displayText(guestName), { body: previewText(message.text).slice(0, 140) || 'Sent a file', tag: `parley-desk-${conversationId}` })
      note.onclick = () => {
        window.focus()
        onNotificationClick(conversationId)
        note.close()
      }
    }
  }

  return { settings, canNotify, setDesktop, alert }
}
