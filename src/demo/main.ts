/**
 * The demo page: a Vue app that uses Parley exactly as a consumer would, through the public API only.
 */
import { createApp } from 'vue'
import { createParley } from '../index'
import DemoApp from './DemoApp.vue'

createApp(DemoApp)
  .use(createParley({ bffUrl: window.location.origin, title: 'Northwind support' }))
  .mount('#app')
