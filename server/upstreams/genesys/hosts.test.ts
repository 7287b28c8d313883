import { describe, expect, it } from 'vitest'
import type { GenesysConfig } from '../../config'
import { onRegion, transferUrlAllowed } from './hosts'

const g = (overrides: Partial<GenesysConfig> = {}): GenesysConfig => ({
  deploymentId: 'd',
  region: 'mypurecloud.ie',
  origin: 'https://shop.example',
  webMessagingUrl: 'wss://webmessaging.mypurecloud.ie',
  apiUrl: 'https://api.mypurecloud.ie',
  cdnUrl: 'https://api-cdn.mypurecloud.ie',
  hostsOverridden: { webMessaging: false, api: false },
  messageRate: 2,
  maxMessageBytes: 4096,
  pingMs: 15_000,
  reconnectMs: 5000,
  reconnectForMs: 300_000,
  echoIntervalMs: 30_000,
  reorderMs: 300,
  transferHosts: ['amazonaws.com', 'cloudfront.net'],
  ...overrides,
})

describe('onRegion', () => {
  it('takes TLS URLs on the region domain and its subdomains only', () => {
    expect(onRegion('https://api.mypurecloud.ie/x', 'mypurecloud.ie', 'https:')).toBe(true)
    expect(onRegion('wss://webmessaging.mypurecloud.ie', 'mypurecloud.ie', 'wss:')).toBe(true)
    expect(onRegion('http://api.mypurecloud.ie', 'mypurecloud.ie', 'https:')).toBe(false)
    expect(onRegion('https://api.mypurecloud.com', 'mypurecloud.ie', 'https:')).toBe(false)
    expect(onRegion('https://mypurecloud.ie.evil.example', 'mypurecloud.ie', 'https:')).toBe(false)
    expect(onRegion('https://evilmypurecloud.ie', 'mypurecloud.ie', 'https:')).toBe(false)
    expect(onRegion('https://user:pw@api.mypurecloud.ie', 'mypurecloud.ie', 'https:')).toBe(false)
    expect(onRegion('not a url', 'mypurecloud.ie', 'https:')).toBe(false)
  })
})

describe('transferUrlAllowed', () => {
  it('takes region URLs, and an explicit override\'s origin only when it is set', () => {
    expect(transferUrlAllowed(g(), 'https://fileupload.mypurecloud.ie/uploads/a')).toBe(true)
    expect(transferUrlAllowed(g(), 'https://uploads.example/a')).toBe(false)
    // where Genesys puts files: S3 and CloudFront by default, https only, and nothing else
    expect(transferUrlAllowed(g(), 'https://shyrka-prod-euw1.s3.eu-west-1.amazonaws.com/up/a?X-Amz-Signature=1')).toBe(true)
    expect(transferUrlAllowed(g(), 'https://d1234.cloudfront.net/a')).toBe(true)
    expect(transferUrlAllowed(g(), 'http://bucket.s3.amazonaws.com/a')).toBe(false)
    expect(transferUrlAllowed(g(), 'https://amazonaws.com.evil.example/a')).toBe(false)
    expect(transferUrlAllowed(g({ transferHosts: [] }), 'https://bucket.s3.amazonaws.com/a')).toBe(false)
    expect(transferUrlAllowed(g({ transferHosts: ['files.example'] }), 'https://eu.files.example/a')).toBe(true)
    expect(transferUrlAllowed(g(), 'http://127.0.0.1:9000/uploads/a')).toBe(false)
    const proxied = g({ apiUrl: 'http://127.0.0.1:9000', webMessagingUrl: 'ws://127.0.0.1:9001', hostsOverridden: { api: true, webMessaging: true } })
    expect(transferUrlAllowed(proxied, 'http://127.0.0.1:9000/uploads/a')).toBe(true)
    expect(transferUrlAllowed(proxied, 'http://127.0.0.1:9001/uploads/a')).toBe(true)
    expect(transferUrlAllowed(proxied, 'http://127.0.0.1:9002/uploads/a')).toBe(false)
  })
})
