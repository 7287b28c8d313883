/**
 * @module embed/panel
 * The Vue half of the script tag, imported on the first open: `<ParleyChat>` with its own app and Pinia,
 * mounted inside the launcher's shadow root, with every component's CSS (compiled in custom-element mode,
 * so it arrives as strings) adopted into that root. The parts loaded on first use (components/lazy.ts)
 * are left out of the panel and bring their CSS when they come.
 */
import { createPinia } from 'pinia'
import { createApp, h, shallowRef } from 'vue'
import { onPartStyles } from '../components/lazy'
import ParleyChat, { type ParleyChatExposed } from '../components/ParleyChat.vue'
import { loadMessages, pickLocale } from '../i18n'
import { addStyles } from './add-styles'
import type { MountPanel } from './types'

// the parts loaded on first use stay out: importing them here would put them into the panel
const components = import.meta.glob<{ default: { styles?: string[] } }>(
  ['../components/*.vue', '!../components/{MessageExtras,ImageViewer,UploadChips,FieldsForm,OptionsMenu,ChatEnded,ChatAway}.vue'],
  { eager: true },
)
/** The CSS of every component the panel carries; the launcher adopts it into its shadow root before mounting. */
export const PANEL_CSS = Object.values(components)
  .flatMap((m) => m.default.styles ?? [])
  .join('\n')

export const mountPanel: MountPanel = async (target, options, emit) => {
  // loaded first, so the Vue launcher replaces the plain one without a gap; a failure leaves English
  await loadMessages(pickLocale(options.locale)).catch(() => undefined)
  const chat = shallowRef<InstanceType<typeof ParleyChat> | null>(null)
  const mountPoint = document.createElement('div')
  target.append(mountPoint)
  const app = createApp({
    render: () =>
      h(ParleyChat, {
        ref: chat,
        bffUrl: options.bffUrl,
        title: options.title,
        greeting: options.greeting,
        position: options.position,
        persist: options.persist,
        profile: options.profile,
        preChat: options.preChat,
        rating: options.rating ?? true,
        titleUnread: options.titleUnread,
        sound: options.sound,
        notifications: options.notifications,
        theme: options.theme,
        locale: options.locale,
        messages: options.messages,
        identityToken: options.identityToken,
        onOpen: () => emit('open', undefined),
        onClose: () => emit('close', undefined),
        onMessage: (m) => emit('message', m),
        onUnread: (n) => emit('unread', n),
        onError: (e) => emit('error', e),
      }),
  })
  app.use(createPinia())
  const root = target.getRootNode()
  const offStyles = onPartStyles((css) => root instanceof ShadowRoot && addStyles(root, css, options.nonce))
  app.mount(mountPoint)
  const exposed = (): ParleyChatExposed => {
    if (!chat.value) throw new Error('Parley: the panel is not mounted')
    return chat.value
  }
  return {
    open: () => exposed().open(),
    close: () => exposed().close(),
    toggle: () => exposed().toggle(),
    endChat: () => exposed().endChat(),
    identify: (token) => exposed().identify(token),
    logout: () => exposed().logout(),
    unmount: () => {
      app.unmount()
      offStyles()
      mountPoint.remove()
    },
  }
}
