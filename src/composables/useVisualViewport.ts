/**
 * @module composables/useVisualViewport
 * The part of the page the visitor actually sees, in the coordinates `position: fixed` uses. On a phone
 * showing a page wider than its screen (sites that are not responsive), or with the on-screen keyboard
 * open, that is smaller than the layout viewport fixed elements are placed in: the widget places and sizes
 * itself by this instead, so the launcher and the panel's buttons stay on screen.
 */
import { useEventListener } from '@vueuse/core'
import { shallowRef, type ShallowRef } from 'vue'

export interface ViewRect {
  left: number
  top: number
  width: number
  height: number
}

export function useVisualViewport(): Readonly<ShallowRef<ViewRect | undefined>> {
  const viewport = typeof window === 'undefined' ? null : window.visualViewport
  const read = (): ViewRect | undefined =>
    viewport ? { left: viewport.offsetLeft || 0, top: viewport.offsetTop || 0, width: viewport.width, height: viewport.height } : undefined
  const rect = shallowRef(read())
  const follow = (): void => void (rect.value = read())
  useEventListener(viewport, 'resize', follow)
  useEventListener(viewport, 'scroll', follow)
  return rect
}
