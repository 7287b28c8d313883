import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultDistDir, serverPackageDir } from './paths'

const root = mkdtempSync(join(tmpdir(), 'parley-paths-'))
mkdirSync(join(root, 'server', 'dist'), { recursive: true })
writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'parley' }))
writeFileSync(join(root, 'server', 'package.json'), JSON.stringify({ name: '@parley/server' }))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const url = (...parts: string[]) => pathToFileURL(join(root, ...parts)).href

describe('paths', () => {
  it('finds the same dist/ from the source and from the bundle one folder deeper', () => {
    expect(defaultDistDir(url('server', 'config.ts'))).toBe(join(root, 'dist'))
    expect(defaultDistDir(url('server', 'dist', 'main.js'))).toBe(join(root, 'dist'))
    expect(serverPackageDir(url('server', 'dist', 'main.js'))).toBe(join(root, 'server'))
  })

  it('passes over a package.json of another package', () => {
    mkdirSync(join(root, 'server', 'nested'), { recursive: true })
    writeFileSync(join(root, 'server', 'nested', 'package.json'), JSON.stringify({ name: 'other' }))
    expect(serverPackageDir(url('server', 'nested', 'x.js'))).toBe(join(root, 'server'))
  })

  it('names the file when it is outside the server package', () => {
    expect(() => serverPackageDir(url('elsewhere.js'))).toThrow(/not inside the @parley\/server package/)
  })

  it('finds this repository’s dist/ from its own location', () => {
    expect(defaultDistDir()).toBe(join(process.cwd(), 'dist'))
  })
})
