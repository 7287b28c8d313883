/**
 * @module components/MessageText
 * A message's text in the widget. Most messages have no formatting: they render as the paragraph the
 * formatter would make of them, and the formatter (format.ts, RichText) loads the first time a message
 * needs it. Until it is there, such a message shows as plain text.
 */
import { h, shallowRef, type FunctionalComponent } from 'vue'
import { displayText } from '../protocol/display-text'

/**
 * Anything format.ts would turn into more than one plain paragraph: emphasis and code markers, a link's
 * bracket, a list item, a URL or an e-mail address. A false alarm only costs the formatter's load.
 */
const MARKUP = /[*_`[@•]|:\/\/|mailto:|^\s{0,3}(?:-|\d{1,3}[.)])\s/m

const rich = shallowRef<FunctionalComponent<{ text: string }>>()
let loading: Promise<void> | undefined

/** Resolves once formatted messages render formatted (at once if the formatter is there already). */
export function loadFormatter(): Promise<void> {
  loading ??= import('./RichText').then(
    (m) => void (rich.value = m.RichText),
    // offline or a blocked chunk: the text stays plain, and the next message with formatting tries again
    () => void (loading = undefined),
  )
  return loading ?? Promise.resolve()
}

export const MessageText: FunctionalComponent<{ text: string }> = (props) => {
  if (rich.value) return h(rich.value, { text: props.text })
  const text = displayText(props.text)
  if (MARKUP.test(text)) void loadFormatter()
  return h('p', text)
}
MessageText.props = ['text']
