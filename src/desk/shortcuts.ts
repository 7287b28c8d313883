/**
 * @module desk/shortcuts
 * The desk's keyboard shortcuts: single keys, taken only when the focus is not in a field (so typing a
 * reply never triggers one), and Escape from anywhere.
 */
import { useEventListener } from '@vueuse/core'

export const SHORTCUTS: readonly { key: string; what: string }[] = [
  { key: 'n', what: 'Next conversation waiting for a person (else the next with unread messages)' },
  { key: 'r', what: 'Focus the reply box' },
  { key: 'a', what: 'Assign the open conversation to me (take it)' },
  { key: 'b', what: 'Back to the list (phone)' },
  { key: '/', what: 'In the reply box: insert a canned reply' },
  { key: '?', what: 'Show or hide these shortcuts' },
]

/** Whether a key press belongs to a field (text, select, contenteditable) rather than to the desk. */
export function inField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit'].includes(target.type))
}

/** Listens for the shortcuts on the window while the component lives. */
export function useDeskShortcuts(actions: { next(): void; focusReply(): void; take(): void; back(): void; toggleHelp(): void }): void {
  useEventListener(window, 'keydown', (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || inField(event.target)) return
    const act = { n: actions.next, r: actions.focusReply, a: actions.take, b: actions.back, '?': actions.toggleHelp }[event.key]
    if (!act) return
    event.preventDefault()
    act()
  })
}
