/**
 * @module components/RichText
 * A message text with its formatting (`format.ts`) as Vue elements: never HTML, so markup in a message
 * shows as the characters it is.
 */
import { h, type FunctionalComponent, type VNode } from 'vue'
import { displayText } from '../protocol/display-text'
import { formatText, type Inline } from './format'

const LINK = { target: '_blank', rel: 'noopener noreferrer nofollow' }

const render = (nodes: Inline[]): (VNode | string)[] =>
  nodes.map((n) =>
    n.t === 'text' ? n.v : n.t === 'code' ? h('code', n.v) : n.t === 'link' ? h('a', { ...LINK, href: n.href }, n.v) : h(n.t === 'b' ? 'strong' : 'em', render(n.c)),
  )

export const RichText: FunctionalComponent<{ text: string }> = (props) =>
  formatText(displayText(props.text)).map((b) => (b.t === 'p' ? h('p', render(b.c)) : h(b.t, b.items.map((i) => h('li', render(i))))))
RichText.props = ['text']
