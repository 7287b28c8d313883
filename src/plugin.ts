/**
 * @module plugin
 * `app.use(createParley({ bffUrl }))`: provides the options, installs Pinia when the host has none, and
 * registers `<ParleyChat>` globally.
 */
import { createPinia } from 'pinia'
import type { Plugin } from 'vue'
import ParleyChat from './components/ParleyChat.vue'
import { PARLEY_OPTIONS, type ParleyOptions } from './context'

export function createParley(options: ParleyOptions): Plugin {
  return {
    install(app) {
      // a second Pinia would not see the host's stores; only add one when there is none
      if (!app.config.globalProperties.$pinia) app.use(createPinia())
      app.provide(PARLEY_OPTIONS, options)
      app.component('ParleyChat', ParleyChat)
    },
  }
}
