/**
 * @module server/routes/pages
 * The built front-ends: the demo at `/`, the script-tag demo at `/embed-demo.html`, the agent console at
 * `/desk`, the script-tag files at `/embed/`.
 * HTML pages are sent with a fresh CSP nonce each time; assets are plain static files.
 * A missing build answers with a page that says how to build it instead of a bare 404.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { cspHeader, newNonce, withNonce, type CspSources } from '../csp'

const NOT_BUILT = (what: string): string =>
  `<!doctype html><meta charset="utf-8"><title>Parley: not built</title><p>The ${what} has not been built. Run <code>npm run build</code> (or <code>npm start</code>, which builds what is missing).</p>`

function sendPage(reply: FastifyReply, html: string, sources: CspSources | undefined): FastifyReply {
  const nonce = newNonce()
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', cspHeader(nonce, sources))
    .send(withNonce(html, nonce))
}

export async function pageRoutes(app: FastifyInstance, deps: { distDir: string; csp?: CspSources }): Promise<void> {
  const demo = join(deps.distDir, 'demo')
  const desk = join(deps.distDir, 'desk')
  const embed = join(deps.distDir, 'embed')

  /** Serve a built HTML file at these paths, each response with its own nonce; false when it is not built. */
  const page = (file: string, paths: string[]): boolean => {
    if (!existsSync(file)) return false
    const html = readFileSync(file, 'utf8')
    for (const path of paths) app.get(path, async (_req, reply) => sendPage(reply, html, deps.csp))
    return true
  }

  if (page(join(demo, 'index.html'), ['/', '/index.html']))
    await app.register(fastifyStatic, { root: demo, prefix: '/', index: false, wildcard: true })
  else app.get('/', async (_req, reply) => reply.code(503).type('text/html').send(NOT_BUILT('demo')))

  if (page(join(desk, 'desk.html'), ['/desk', '/desk/desk.html']))
    await app.register(fastifyStatic, { root: desk, prefix: '/desk/', decorateReply: false, index: false })
  else app.get('/desk', async (_req, reply) => reply.code(503).type('text/html').send(NOT_BUILT('agent desk')))

  page(join(deps.distDir, 'embed-demo.html'), ['/embed-demo.html'])
  // the script tag is loaded from other sites: it may be fetched cross-origin, and revalidated often
  // because its name carries no hash
  if (existsSync(embed))
    await app.register(fastifyStatic, {
      root: embed,
      prefix: '/embed/',
      decorateReply: false,
      cacheControl: false,
      setHeaders: (reply) => {
        reply.header('cache-control', 'public, max-age=300')
        reply.header('cross-origin-resource-policy', 'cross-origin')
      },
    })
}
