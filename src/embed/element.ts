/**
 * @module embed/element
 * `<parley-chat>` without a framework: a shadow root with the launcher button. The Vue panel chunk is
 * imported on the first open (or while idle when a returning guest has a live session, so the unread
 * badge works) and mounted in the same shadow root, where it replaces this button with its own.
 */
import { directionOf, pickLocale } from '../i18n/match'
import { OPEN_CHAT } from '../i18n/open-chat'
import { addStyles } from './add-styles'
import { EMBED_CSS } from './styles'
import type { EmbedEventName, EmbedEvents, EmbedOptions, IdentityToken, PanelController, PanelModule } from './types'

/** Where the widget keeps a live session (`storageKeys().session` in src/client; a test keeps them equal). */
export const SESSION_KEY = 'parley:session'

const ICON =
  '<svg aria-hidden="true" viewBox="0 0 24 24" width="26" height="26"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>'

type Listeners = { [K in EmbedEventName]: Set<(detail: EmbedEvents[K]) => void> }

export class ParleyElement extends HTMLElement {
  /** Set by the script before the element is connected. */
  options: EmbedOptions = { bffUrl: location.origin }
  /** Imports the panel chunk; the script passes its own `import()` so the chunk URL is relative to it. */
  loadPanel: () => Promise<PanelModule> = () => Promise.reject(new Error('Parley: no panel loader'))
  private readonly listeners: Listeners = { ready: new Set(), open: new Set(), close: new Set(), message: new Set(), unread: new Set(), error: new Set() }
  private panel: Promise<PanelController> | undefined
  private container: HTMLElement | undefined

  connectedCallback(): void {
    if (this.shadowRoot) return
    const root = this.attachShadow({ mode: 'open' })
    addStyles(root, EMBED_CSS, this.options.nonce)
    const container = document.createElement('div')
    container.className = 'parley-embed'
    const side = this.options.position === 'left' ? 'left' : 'right'
    container.innerHTML = `<div class="parley-embed-root parley-embed-${side}"><button type="button" class="parley-embed-launcher" part="launcher">${ICON}</button></div>`
    // named in the widget's language before any catalogue is loaded
    const locale = pickLocale(this.options.locale)
    const launcher = container.querySelector('button')
    launcher?.setAttribute('aria-label', this.options.messages?.openChat ?? OPEN_CHAT[locale])
    launcher?.setAttribute('lang', locale)
    launcher?.setAttribute('dir', directionOf(locale))
    launcher?.addEventListener('click', () => void this.open())
    root.append(container)
    this.container = container
    placeInView(container.firstElementChild, side)
    this.emit('ready', undefined)
    if (this.options.startOpen) void this.open()
    else if (hasLiveSession(this.options.persist)) idle(() => void this.ensurePanel())
  }

  disconnectedCallback(): void {
    void this.panel?.then((p) => p.unmount())
    this.panel = undefined
  }

  on<K extends EmbedEventName>(event: K, listener: (detail: EmbedEvents[K]) => void): void {
    this.listeners[event].add(listener)
  }

  off<K extends EmbedEventName>(event: K, listener: (detail: EmbedEvents[K]) => void): void {
    this.listeners[event].delete(listener)
  }

  emit<K extends EmbedEventName>(event: K, detail: EmbedEvents[K]): void {
    this.dispatchEvent(new CustomEvent(`parley:${event}`, { detail }))
    for (const listener of this.listeners[event]) listener(detail)
  }

  async open(): Promise<void> {
    await (await this.ensurePanel()).open()
  }

  async close(): Promise<void> {
    await this.panel?.then((p) => p.close())
  }

  async toggle(): Promise<void> {
    await (await this.ensurePanel()).toggle()
  }

  async endChat(): Promise<void> {
    if (!this.panel && !hasLiveSession(this.options.persist)) return
    await (await this.ensurePanel()).endChat()
  }

  /** The panel, once loaded, signs the visitor in; before that the options carry the token to it. */
  async identify(token: IdentityToken): Promise<void> {
    await this.panel?.then((p) => p.identify(token))
  }

  async logout(): Promise<void> {
    if (!this.panel && !hasLiveSession(this.options.persist)) return
    await (await this.ensurePanel()).logout()
  }

  private ensurePanel(): Promise<PanelController> {
    const container = this.container
    if (!container) return Promise.reject(new Error('Parley: the widget is not on the page'))
    this.panel ??= this.loadPanel().then(
      async ({ mountPanel, PANEL_CSS }) => {
        if (this.shadowRoot) addStyles(this.shadowRoot, PANEL_CSS, this.options.nonce)
        const panel = await mountPanel(container, this.options, (event, detail) => this.emit(event, detail))
        // the Vue launcher takes over from the plain one (in the same task: no frame shows both)
        container.querySelector('.parley-embed-root')?.remove()
        return panel
      },
      (err: unknown) => {
        this.panel = undefined
        this.emit('error', { code: 'load_failed', message: 'The chat could not be loaded; check your connection and try again.' })
        throw err
      },
    )
    return this.panel
  }
}

/**
 * The corner in what the visitor sees (ParleyChat.vue does the same once the panel is loaded): on a phone
 * showing a page wider than its screen, the layout viewport's corner is off-screen. How far the layout
 * viewport reaches is read from the button's box plus the offset last applied.
 */
function placeInView(el: Element | null, side: 'left' | 'right'): void {
  const view = window.visualViewport
  if (!view || !(el instanceof HTMLElement)) return
  let offset = { side: 20, bottom: 20 }
  const place = (): void => {
    // the Vue launcher has taken over (it places itself the same way)
    if (!el.isConnected) {
      view.removeEventListener('resize', place)
      view.removeEventListener('scroll', place)
      return
    }
    const box = el.getBoundingClientRect()
    offset = {
      side: 20 + (side === 'left' ? view.offsetLeft : box.right + offset.side - view.offsetLeft - view.width),
      bottom: 20 + box.bottom + offset.bottom - view.offsetTop - view.height,
    }
    el.style[side] = `${offset.side}px`
    el.style.bottom = `${offset.bottom}px`
  }
  requestAnimationFrame(place)
  view.addEventListener('resize', place)
  view.addEventListener('scroll', place)
}

function hasLiveSession(persist: EmbedOptions['persist']): boolean {
  if (persist === 'none') return false
  try {
    return Boolean((persist === 'local' ? localStorage : sessionStorage).getItem(SESSION_KEY))
  } catch {
    return false
  }
}

function idle(fn: () => void): void {
  if ('requestIdleCallback' in window) requestIdleCallback(fn, { timeout: 2000 })
  else setTimeout(fn, 200)
}
