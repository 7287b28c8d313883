/**
 * What the attention tests watch in a page: every oscillator started (a beep), every notification shown
 * (the Notification constructor is observed, not the widget's code replaced), and a tab visibility the test
 * sets. Add `OBSERVE` as an init script before the page loads.
 */
import type { Page } from '@playwright/test'

// a plain string, so the bundler's helpers never reach the page
export const OBSERVE = `
  window.__beeps = 0
  const start = OscillatorNode.prototype.start
  OscillatorNode.prototype.start = function (...args) { window.__beeps++; return start.apply(this, args) }
  window.__notes = []
  class FakeNotification {
    static permission = 'default'
    static async requestPermission() { FakeNotification.permission = 'granted'; return 'granted' }
    constructor(title, options) { window.__notes.push({ title, body: options && options.body, tag: options && options.tag }) }
    close() {}
  }
  window.Notification = FakeNotification
  let hidden = false
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') })
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
  window.__setHidden = (h) => { hidden = h; document.dispatchEvent(new Event('visibilitychange')) }
`

/** What OBSERVE adds to the page's window. */
declare global {
  interface Window {
    __beeps: number
    __notes: { title: string; body?: string; tag?: string }[]
    __setHidden(hidden: boolean): void
  }
}

export const beeps = (page: Page) => page.evaluate(() => window.__beeps)
export const notes = (page: Page) => page.evaluate(() => window.__notes)
export const setHidden = (page: Page, hidden: boolean) => page.evaluate((h) => window.__setHidden(h), hidden)
