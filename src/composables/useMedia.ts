/**
 * @module composables/useMedia
 * Whether a media query matches, kept current. VueUse's `useMediaQuery` does the same with SSR and legacy
 * Safari handling that cost the script-tag bundle about 1 kB; every browser the widget supports has
 * `matchMedia` with `change` events, so this is enough.
 */
import { useEventListener } from '@vueuse/core'
import { shallowRef, type ShallowRef } from 'vue'

export function useMedia(query: string): Readonly<ShallowRef<boolean>> {
  const list = typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(query) : undefined
  const matches = shallowRef(list?.matches ?? false)
  useEventListener(list, 'change', (event: MediaQueryListEvent) => (matches.value = event.matches))
  return matches
}
