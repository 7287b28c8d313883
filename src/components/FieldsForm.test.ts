import { flushPromises, mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import FieldsForm from './FieldsForm.vue'
import { offlineFields, ratingFields } from './pre-chat'
import { useI18n } from '../i18n'

// outside a <ParleyChat>: English
const { t } = useI18n()

function deferred(): { promise: Promise<void>; resolve(): void; reject(): void } {
  let resolve = (): void => undefined
  let reject = (): void => undefined
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = () => rej(new Error('refused'))
  })
  return { promise, resolve, reject }
}

describe('FieldsForm', () => {
  it('labels every field, marks the required ones and limits their length', () => {
    const w = mount(FieldsForm, { props: { fields: offlineFields(t), submitLabel: 'Leave message', send: () => undefined } })
    expect(w.findAll('label').map((l) => l.text())).toEqual(['Your name', 'E-mail *', 'Your message *'])
    const email = w.get('#parley-f-email')
    expect(email.attributes()).toMatchObject({ type: 'email', maxlength: '254', autocomplete: 'email' })
    expect(email.element).toHaveProperty('required', true)
    expect(w.get('textarea').attributes('maxlength')).toBe('4000')
  })

  it('sends trimmed values; while sending the button says so and is disabled; then shows what `sent` says', async () => {
    const pending = deferred()
    const sent: Record<string, string>[] = []
    const w = mount(FieldsForm, {
      props: {
        fields: offlineFields(t),
        submitLabel: 'Leave message',
        send: (values: Record<string, string>) => {
          sent.push(values)
          return pending.promise
        },
        sent: (values: Record<string, string>) => `Thanks! We'll reply to ${values.email}.`,
      },
    })
    await w.get('#parley-f-email').setValue('  ada@example.com ')
    await w.get('textarea').setValue('Hello')
    await w.get('form').trigger('submit')
    expect(sent).toEqual([{ email: 'ada@example.com', message: 'Hello' }])
    expect(w.get('button').text()).toBe('Sending…')
    expect(w.get('button').attributes('disabled')).toBeDefined()
    pending.resolve()
    await flushPromises()
    expect(w.find('form').exists()).toBe(false)
    expect(w.get('[role="status"]').text()).toBe("Thanks! We'll reply to ada@example.com.")
  })

  it('keeps the values and says what failed when sending is refused, and can be sent again', async () => {
    let attempt = deferred()
    const w = mount(FieldsForm, {
      props: { fields: ratingFields(t), submitLabel: 'Send rating', send: () => attempt.promise, failed: 'The rating could not be sent.' },
    })
    await w.get('select').setValue('4')
    await w.get('form').trigger('submit')
    attempt.reject()
    await flushPromises()
    expect(w.get('[role="alert"]').text()).toBe('The rating could not be sent.')
    expect(w.get('button').text()).toBe('Send rating')
    expect((w.get('select').element as HTMLSelectElement).value).toBe('4')
    attempt = deferred()
    await w.get('form').trigger('submit')
    expect(w.find('[role="alert"]').exists()).toBe(false)
  })
})
