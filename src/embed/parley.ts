/**
 * @module embed/parley
 * The script-tag entry (`dist/embed/parley.js`):
 *
 *   <script src="https://chat.example.com/embed/parley.js" data-title="Support" async></script>
 *
 * Reads its configuration from the tag's `data-*` attributes (or `Parley.init({...})`), defines
 * `<parley-chat>`, puts one on the page and publishes `window.Parley`. Loading it twice does nothing the
 * second time. It stays one classic script: the build wraps it in a function, and it shares no runtime
 * module with the panel (`parley-panel.js`), which it imports by URL, relative to its own.
 */
import { ParleyElement } from './element'
import type { EmbedOptions, PanelModule, ParleyApi, PreChatField } from './types'

declare global {
  interface Window {
    Parley?: ParleyApi
  }
}

const TAG = 'parley-chat'
/** isAttributeName of protocol/limits.ts: this classic script shares no module with the panel, so a copy. */
const isAttributeName = (name: string): boolean => /^[A-Za-z0-9_.-]{1,64}$/.test(name)
/** The boolean options, as `data-start-open`, `data-rating`, `data-title-unread`, `data-sound`, `data-notifications`. */
const FLAGS = ['startOpen', 'rating', 'titleUnread', 'sound', 'notifications'] as const

function preChatField(spec: string): PreChatField {
  const [rawName = '', label] = spec.trim().split(':')
  const required = rawName.endsWith('*')
  const name = rawName.replace('*', '').trim()
  // the BFF would refuse it as an attribute name: say so to whoever set up the tag, instead of dropping it quietly
  if (!isAttributeName(name)) console.warn(`Parley: data-pre-chat field "${name}" is left out; names are 1-64 letters, digits, "_", "." or "-".`)
  // without a label the widget names displayName and email in its own language
  const text = label?.trim()
  return { name, required, ...(text ? { label: text } : {}) }
}

function fromScript(script: HTMLScriptElement | null): EmbedOptions {
  const d = script?.dataset ?? {}
  const options: EmbedOptions = { bffUrl: d.bffUrl ?? (script?.src ? new URL(script.src).origin : location.origin) }
  if (d.title) options.title = d.title
  if (d.greeting) options.greeting = d.greeting
  if (d.position === 'left' || d.position === 'right') options.position = d.position
  if (d.persist === 'session' || d.persist === 'local' || d.persist === 'none') options.persist = d.persist
  if (d.theme === 'light' || d.theme === 'dark' || d.theme === 'auto') options.theme = d.theme
  if (d.locale) options.locale = d.locale
  // a token the page's server signed for its signed-in visitor (docs/identity.md)
  if (d.identityToken) options.identityToken = d.identityToken
  // switches: present (any value but "false") turns on, "false" turns off, absent keeps the default
  for (const flag of FLAGS) {
    const value = d[flag]
    if (value !== undefined) options[flag] = value !== 'false'
  }
  // data-pre-chat="displayName*, email*, orderId:Order number": a * marks a required field
  if (d.preChat) options.preChat = { fields: d.preChat.split(',').map(preChatField).filter((f) => isAttributeName(f.name)) }
  // the nonce attribute is hidden from getAttribute once applied; the property keeps it
  const nonce = script?.nonce
  if (nonce) options.nonce = nonce
  return options
}

/** The panel module, typed by what the launcher needs of it. */
async function loadPanel(url: string): Promise<PanelModule> {
  const m: Partial<PanelModule> = await import(/* @vite-ignore */ url)
  if (typeof m.mountPanel !== 'function' || typeof m.PANEL_CSS !== 'string') throw new Error(`Parley: ${url} is not the panel`)
  return { mountPanel: m.mountPanel, PANEL_CSS: m.PANEL_CSS }
}

function install(): void {
  if (window.Parley) return
  // only defined while the script first runs
  const script = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null
  // the panel sits beside this file (dist/embed/parley-panel.js)
  const panelUrl = new URL('parley-panel.js', script?.src || location.href).href
  let options = fromScript(script)
  let element: ParleyElement | undefined

  if (!customElements.get(TAG)) customElements.define(TAG, class extends ParleyElement {})

  const current = (): ParleyElement => {
    if (!element) throw new Error('Parley: call Parley.init() first (or leave data-auto on).')
    return element
  }

  const api: ParleyApi = {
    version: '0.1.0',
    init(overrides = {}) {
      options = { ...options, ...overrides }
      element?.remove()
      const el = document.createElement(TAG)
      if (!(el instanceof ParleyElement)) throw new Error(`Parley: <${TAG}> is defined by another script`)
      el.options = options
      el.loadPanel = () => loadPanel(panelUrl)
      element = el
      document.body.append(el)
      return el
    },
    open: () => current().open(),
    close: () => current().close(),
    toggle: () => current().toggle(),
    on(event, listener) {
      current().on(event, listener)
    },
    off(event, listener) {
      current().off(event, listener)
    },
    setAttributes(attributes) {
      options = { ...options, profile: { ...options.profile, attributes: { ...options.profile?.attributes, ...attributes } } }
      if (element) element.options = options
    },
    endChat: () => current().endChat(),
    async identify(token) {
      options = { ...options, identityToken: token }
      if (element) element.options = options
      await element?.identify(token)
    },
    async logout() {
      const { identityToken: _dropped, ...rest } = options
      options = rest
      if (element) element.options = options
      await element?.logout()
    },
    destroy() {
      element?.remove()
      element = undefined
      delete window.Parley
    },
  }
  window.Parley = api
  if (script?.dataset.auto !== 'false') {
    if (document.body) api.init()
    else document.addEventListener('DOMContentLoaded', () => api.init(), { once: true })
  }
}

install()
