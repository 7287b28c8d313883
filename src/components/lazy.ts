/**
 * @module components/lazy
 * The parts of the widget a conversation may never need (rich content, upload chips, the image viewer,
 * the forms) load the first time one is shown, so neither the script tag nor a host app's bundle carries
 * them up front. In the script tag every component's CSS goes into the shadow root as strings
 * (custom-element mode): a part that arrives later brings its CSS along, and the panel adds it
 * (embed/panel.ts). In the Vue library the CSS is in style.css already and parts bring none.
 */
import { defineAsyncComponent, type Component } from 'vue'

type StyleSink = (css: string) => void
const sinks = new Set<StyleSink>()
const arrived: string[] = []

/** Hands `sink` the CSS of every part loaded so far and of every part still to come; returns the unsubscribe. */
export function onPartStyles(sink: StyleSink): () => void {
  for (const css of arrived) sink(css)
  sinks.add(sink)
  return () => void sinks.delete(sink)
}

function stylesOf(part: Component): string[] {
  const styles: unknown = 'styles' in part ? part.styles : undefined
  return Array.isArray(styles) ? styles.filter((s): s is string => typeof s === 'string') : []
}

/** A component loaded on first render; its props and emits stay typed as the component's own. */
export function lazyPart<T extends Component>(load: () => Promise<{ default: T }>): T {
  return defineAsyncComponent(async () => {
    const part = (await load()).default
    const css = stylesOf(part).join('\n')
    if (css) {
      arrived.push(css)
      for (const sink of sinks) sink(css)
    }
    return part
  })
}
