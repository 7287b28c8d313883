import { mount } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { textsAtLimit } from '../protocol/text-cases.test-helper'
import MessageComposer from './MessageComposer.vue'

describe('MessageComposer', () => {
  it('sends on Enter and clears the box', async () => {
    const w = mount(MessageComposer)
    const box = w.get('textarea[aria-label="Message"]')
    await box.setValue('hello')
    await box.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('send')).toEqual([['hello']])
    expect((box.element as HTMLTextAreaElement).value).toBe('')
  })

  it('does not send on Shift+Enter, while composing, or when blank', async () => {
    const w = mount(MessageComposer)
    const box = w.get('textarea')
    await box.setValue('a')
    await box.trigger('keydown', { key: 'Enter', shiftKey: true })
    await box.trigger('keydown', { key: 'Enter', isComposing: true })
    await box.setValue('   ')
    await box.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('send')).toBeUndefined()
  })

  it('refuses a message over the limit, counted in code points, and says why', async () => {
    const w = mount(MessageComposer, { props: { maxChars: 3 } })
    const box = w.get('textarea')
    await box.setValue('😀😀😀')
    expect(w.find('[role="alert"]').exists()).toBe(false)
    await box.setValue('😀😀😀😀')
    expect(w.get('[role="alert"]').text()).toContain('4 / 3')
    await box.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('send')).toBeUndefined()
  })

  it.each(textsAtLimit(6))('counts %s as the BFF does: the limit passes, one more does not', async (_name, text) => {
    const w = mount(MessageComposer, { props: { maxChars: 6 } })
    const box = w.get('textarea')
    await box.setValue(text)
    expect(w.find('[role="alert"]').exists()).toBe(false)
    await box.setValue(`${text}x`)
    expect(w.get('[role="alert"]').text()).toContain('7 / 6')
  })

  it('announces typing at most every 3 s, and again at once for the next message after a send', async () => {
    const w = mount(MessageComposer)
    const box = w.get('textarea')
    await box.setValue('h')
    await box.setValue('he')
    expect(w.emitted('typing')).toEqual([[true]])
    await box.trigger('keydown', { key: 'Enter' })
    // the sent message ends the typing at the desk: no extra frame that would spend the typing rate
    expect(w.emitted('typing')).toEqual([[true]])
    await box.setValue('n')
    expect(w.emitted('typing')).toEqual([[true], [true]])
  })

  it('offers an attach button labelled "Attach file" only when files are taken', async () => {
    expect(mount(MessageComposer).find('input[type="file"]').exists()).toBe(false)
    const w = mount(MessageComposer, { props: { attach: true } })
    const input = w.get('input[type="file"]')
    expect(input.attributes()).toMatchObject({ 'aria-label': 'Attach file', multiple: '' })
    const f = new File(['x'], 'a.png', { type: 'image/png' })
    Object.defineProperty(input.element, 'files', { value: [f] })
    await input.trigger('change')
    expect(w.emitted('files')).toEqual([[[f]]])
  })

  it('takes a pasted screenshot as a file', async () => {
    const w = mount(MessageComposer, { props: { attach: true } })
    const f = new File(['x'], 'image.png', { type: 'image/png' })
    const event = new Event('paste', { bubbles: true, cancelable: true })
    Object.defineProperty(event, 'clipboardData', { value: { files: [f] } })
    w.get('textarea').element.dispatchEvent(event)
    expect(w.emitted('files')).toEqual([[[f]]])
    expect(event.defaultPrevented).toBe(true)
  })

  it('shows chips with progress and errors, waits for uploads, then sends files without text', async () => {
    const uploading = { key: 1, name: 'a.png', progress: 0.4, abort: () => undefined }
    const w = mount(MessageComposer, { props: { attach: true, chips: [uploading, { key: 2, name: 'x.exe', progress: 0, error: 'Files of this type are not accepted.', abort: () => undefined }] } })
    // the chips are loaded with the first file
    expect((await vi.waitFor(() => w.get('progress'))).attributes()).toMatchObject({ 'aria-label': 'Uploading a.png' })
    expect(w.get('[role="alert"]').text()).toBe('Files of this type are not accepted.')
    expect(w.get('button[type="submit"]').attributes('disabled')).toBeDefined()
    await w.get('button[aria-label="Remove x.exe"]').trigger('click')
    expect(w.emitted('remove')).toEqual([[2]])
    await w.setProps({ chips: [{ ...uploading, attachment: { id: 'i', name: 'a.png', type: 'image/png', size: 1 } }] })
    await w.get('form').trigger('submit')
    expect(w.emitted('send')).toEqual([['']])
  })
})
