/**
 * The agent console of the built-in desk upstream (served at /desk). Its own Vite entry: none of it
 * reaches the widget bundles.
 */
import { createApp } from 'vue'
import DeskApp from './DeskApp.vue'

createApp(DeskApp).mount('#desk')
