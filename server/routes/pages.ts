/**
 * @module server/routes/pages
 * The built front-ends: the demo at `/`, the agent console at `/desk`, the embed files at `/embed/`.
 * A missing build answers with a page that says how to build it instead of a bare 404.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

const NOT_BUILT = (what: string): string =>
  `<!doctype html><meta charset="utf-8"><title>Parley: not built</title><p>The ${what} has not been built. Run <code>npm run build</code> (or <code>npm start</code>, which builds what is missing).</p>`

export async function pageRoutes(app: FastifyInstance, deps: { distDir: string }): Promise<void> {
  const demo = join(deps.distDir, 'demo')
  const desk = join(deps.distDir, 'desk')
  const embed = join(deps.distDir, 'embed')

  if (existsSync(demo)) await app.register(fastifyStatic, { root: demo, prefix: '/', index: ['index.html'], wildcard: true })
  else app.get('/', async (_req, reply) => reply.code(503).type('text/html').send(NOT_BUILT('demo')))

  const deskHtml = join(desk, 'desk.html')
  if (existsSync(deskHtml)) {
    const html = readFileSync(deskHtml)
    await app.register(fastifyStatic, { root: desk, prefix: '/desk/', decorateReply: false, index: false })
    app.get('/desk', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html))
  } else app.get('/desk', async (_req, reply) => reply.code(503).type('text/html').send(NOT_BUILT('agent desk')))

  if (existsSync(embed)) await app.register(fastifyStatic, { root: embed, prefix: '/embed/', decorateReply: false })
}
