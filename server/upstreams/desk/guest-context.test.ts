import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ORIGIN, openDeskSocket, openGuestSocket, startTestApp, type CreatedGuest, type TestApp } from '../../test-support'
import { guestDevice, guestLanguage } from './guest-context'

// real User-Agent strings, as the browsers send them
const UA = {
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
  chromeIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
  samsung: 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  operaLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
  firefoxIpad: 'Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15',
  chromebook: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
}

describe('the guest device summary', () => {
  it('names browser, version and system from real User-Agent strings', () => {
    expect(guestDevice(UA.chromeAndroid)).toBe('Chrome 131 on Android')
    expect(guestDevice(UA.safariIphone)).toBe('Safari on iPhone')
    expect(guestDevice(UA.safariMac)).toBe('Safari 18 on macOS')
    expect(guestDevice(UA.firefoxWindows)).toBe('Firefox 133 on Windows')
    expect(guestDevice(UA.edgeWindows)).toBe('Edge 131 on Windows')
    expect(guestDevice(UA.chromeIphone)).toBe('Chrome 131 on iPhone')
    expect(guestDevice(UA.samsung)).toBe('Samsung Internet 26 on Android')
    expect(guestDevice(UA.operaLinux)).toBe('Opera 115 on Linux')
    expect(guestDevice(UA.firefoxIpad)).toBe('Firefox 133 on iPad')
    expect(guestDevice(UA.chromebook)).toBe('Chrome 131 on ChromeOS')
  })
  it('says what it knows of an unusual one, and nothing for junk or an overlong header', () => {
    expect(guestDevice('Mozilla/5.0 (Windows NT 10.0) SomeBot/1.0')).toBe('Unknown browser on Windows')
    expect(guestDevice('curl/8.5.0')).toBeUndefined()
    expect(guestDevice(undefined)).toBeUndefined()
    expect(guestDevice(`${UA.chromeAndroid} ${'x'.repeat(600)}`)).toBeUndefined()
  })
})

describe('the guest language', () => {
  it('is the first tag of Accept-Language, canonical', () => {
    expect(guestLanguage('de-ch,de;q=0.9,en;q=0.8')).toBe('de-CH')
    expect(guestLanguage('fr')).toBe('fr')
    expect(guestLanguage('zh-hant-tw;q=1')).toBe('zh-Hant-TW')
  })
  it('is left out when the header is not a language tag or too long', () => {
    expect(guestLanguage('*')).toBeUndefined()
    expect(guestLanguage('en_US!')).toBeUndefined()
    expect(guestLanguage('<script>')).toBeUndefined()
    expect(guestLanguage(`en-${'a'.repeat(40)}`)).toBeUndefined()
    expect(guestLanguage(`en,${'fr;q=0.1,'.repeat(40)}`)).toBeUndefined()
    expect(guestLanguage(undefined)).toBeUndefined()
  })
})

describe('language and device on the desk', () => {
  let app: TestApp
  beforeEach(async () => {
    app = await startTestApp({ PARLEY_DESK_ADMIN_NAME: 'Ada' })
  })
  afterEach(() => app.app.close())

  it('a guest created with those headers shows them on the desk summary, and no raw header is kept', async () => {
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/guest-sessions',
      payload: {},
      headers: { origin: ORIGIN, 'accept-language': 'pt-br,pt;q=0.9', 'user-agent': UA.chromeAndroid },
    })
    expect(res.statusCode).toBe(201)
    const guest = res.json<CreatedGuest>()
    const g = await openGuestSocket(app, guest)
    await g.next('ready')
    g.send({ type: 'send', clientMessageId: 'l1', text: 'Olá' })
    await g.next('ack')
    const desk = await openDeskSocket(app)
    const list = await desk.next('conversations')
    if (list.type !== 'conversations') throw new Error('no list')
    expect(list.conversations.find((c) => c.id === guest.conversationId)).toMatchObject({ language: 'pt-BR', device: 'Chrome 131 on Android' })
    const stored = JSON.stringify(await app.store.getGuest(guest.guestId))
    expect(stored).not.toContain('Mozilla')
    expect(stored).not.toContain('q=0.9')
    desk.ws.close()
    g.close()
  })

  it('a guest without those headers (or with junk in them) has neither', async () => {
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/guest-sessions',
      payload: { displayName: 'Bo' },
      headers: { origin: ORIGIN, 'accept-language': '!!', 'user-agent': 'curl/8.5.0' },
    })
    const guest = res.json<CreatedGuest>()
    const desk = await openDeskSocket(app)
    const list = await desk.next('conversations')
    if (list.type !== 'conversations') throw new Error('no list')
    const row = list.conversations.find((c) => c.id === guest.conversationId)
    expect(row?.guestName).toBe('Bo')
    expect(row?.language).toBeUndefined()
    expect(row?.device).toBeUndefined()
    desk.ws.close()
  })
})
