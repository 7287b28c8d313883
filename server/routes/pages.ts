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
import { cspHeader, newNonce, withNonce } from '../csp'

const NOT_BUILT = (what: string): string =>
  `<!doctype html><meta charset="utf-8"><title>Parley: not built</title><p>The ${what} has not been built. Run <code>npm run build</code> (or <code>npm start</code>, which builds what is missing).</p>`

function sendPage(reply: FastifyReply, html: string): FastifyReply {
  const nonce = newNonce()
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', cspHeader(nonce))
    .send(withNonce(html, nonce))
}

export async function pageRoutes(app: FastifyInstance, deps: { distDir: string }): Promise<void> {
  const demo = join(deps.distDir, 'demo')
  const desk = join(deps.distDir, 'desk')
  const embed = join(deps.distDir, 'embed')

  const demoHtml = join(demo, 'index.html')
  if (existsSync(demoHtml)) {
    const html = readFileSync(demoHtml, 'utf8')
    await app.register(fastifyStatic, { root: demo, prefix: '/', index: false, wildcard: true })
    for (const path of ['/', '/index.html']) app.get(path, async (_req, reply) => sendPage(reply, html))
  } else app.get('/', async (_req, reply) => reply.code(503).type('text/html').send(NOT_BUILT('demo')))

  const deskHtml = join(desk, 'desk.html')
  if (existsSync(deskHtml)) {
    const html = readFileSync(deskHtml, 'utf8')
    await app.register(fastifyStatic, { root: desk, prefix: '/desk/', decorateReply: false, index: false })
    for (const path of ['/desk', '/desk/desk.html']) app.get(path, async (_req, reply) => sendPage(reply, html))
  } else app.get('/desk', async (_req, reply) => reply.code(503).type('text/html').send(NOT_BUILT('agent desk')))

  const embedDemo = join(deps.distDir, 'embed-demo.html')
  if (existsSync(embedDemo)) {
    const html = readFileSync(embedDemo, 'utf8')
    app.get('/embed-demo.html', async (_req, reply) => sendPage(reply, html))
  }
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
