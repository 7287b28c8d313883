/**
 * @module server/log
 * Pino options for the BFF. Tokens, message text and e-mail addresses must never reach a log, whoever
 * writes the entry (our code, Fastify or a library error that quotes its input): credentials and bodies are
 * removed by key, and e-mail addresses are masked in every string, error messages and stacks included.
 */
import { Writable } from 'node:stream'
import type { FastifyServerOptions } from 'fastify'

const CENSOR = '[redacted]'

/** Keys whose values are dropped wherever they sit (one or two levels deep, which is where entries put them). */
const SECRET_KEYS = ['text', 'body', 'token', 'guestToken', 'refreshToken', 'authorization', 'email', 'password', 'attributes']
const REDACT = [
  'req.headers.authorization',
  'req.headers["sec-websocket-protocol"]',
  'req.headers.cookie',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
]

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g

// what a careless library quotes from its input: "…", '…', `…`, “…”
const QUOTED = /"[^"\n]*"|'[^'\n]*'|`[^`\n]*`|“[^”\n]*”/g

export function maskEmails(text: string): string {
  return text.replace(EMAIL, '[email]')
}

/**
 * An error as it may be logged: its name, code and stack frames, and its message with e-mail addresses and
 * quoted parts masked (errors from upstreams and libraries often quote the input that failed, which here
 * is a guest's message). Null-prototype, so pino's serializer keeps `name` as the type.
 */
function scrubError(err: Error): Record<string, unknown> {
  const message = maskEmails(err.message).replace(QUOTED, '[redacted]').slice(0, 300)
  const frames = (err.stack ?? '').split('\n').filter((line) => line.startsWith('    at '))
  const code = (err as { code?: unknown }).code
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  Object.assign(out, { name: err.name, message, stack: [`${err.name}: ${message}`, ...frames].join('\n') })
  if (typeof code === 'string' || typeof code === 'number') out.code = code
  return out
}

/**
 * A copy of a log value with errors scrubbed and e-mail addresses masked in plain data. Class instances
 * (Fastify's request and reply) are left to their serializers; the line written is masked again as a
 * whole. Bounded in depth so a cycle cannot hang it.
 */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskEmails(value)
  if (depth > 6 || typeof value !== 'object' || value === null) return value
  if (value instanceof Error) return scrubError(value)
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null ? scrubEntry(value, depth) : value
}

function scrubEntry(entry: object, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(entry)) out[k] = scrub(v, depth + 1)
  return out
}

/** The destination with every e-mail address in every written line masked, whatever wrote it. */
export function maskingStream(dest: NodeJS.WritableStream): { write(line: string): void } {
  return { write: (line) => void dest.write(maskEmails(line)) }
}

type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>

/** A URL as it may be logged: the signature of a signed file link (`s`) is a credential while it lasts. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]s=)[^&#]*/g, `$1${CENSOR}`)
}

/** Fastify's own request serializer, with the URL's credentials redacted. */
interface LoggedRequest {
  method: string
  url: string
  host?: string
  ip?: string
  socket?: { remotePort?: number }
}
const serializeRequest = (req: LoggedRequest): Record<string, unknown> => ({
  method: req.method,
  url: redactUrl(req.url),
  host: req.host,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
})


export function loggerOptions(level: string, stream?: NodeJS.WritableStream): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT, censor: CENSOR },
    serializers: { req: serializeRequest },
    formatters: { log: (entry) => scrubEntry(entry) },
    hooks: {
      logMethod(args, method) {
        // the message string (and any printf arguments) is written as given: mask it too
        const masked = args.map((a) => (typeof a === 'string' ? maskEmails(a) : a))
        return method.apply(this, masked as Parameters<typeof method>)
      },
    },
    stream: maskingStream(stream ?? process.stdout),
  }
}

/** The part of pino-pretty used here. */
interface PrettyModule {
  prettyFactory(options: { translateTime: string; ignore: string }): (line: string) => string
}

function isPrettyModule(value: unknown): value is PrettyModule {
  return typeof value === 'object' && value !== null && 'prettyFactory' in value && typeof value.prettyFactory === 'function'
}

/** A package that is not installed, or one that lacks a file it needs: ESM and CommonJS spell it differently. */
function isNotFound(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
}

/**
 * Log lines for a person at a terminal: one readable line per entry (pino-pretty), formatted in this process
 * and written synchronously, so the last lines before an exit are not lost. pino-pretty is a development
 * dependency: where it is not installed (`npm ci --omit=dev`) this returns undefined and the log stays JSON,
 * which is what a log collector wants anyway. `loggerOptions` masks each line before it gets here.
 */
export async function terminalStream(
  out: NodeJS.WritableStream = process.stdout,
  load: () => Promise<unknown> = () => import('pino-pretty'),
): Promise<NodeJS.WritableStream | undefined> {
  let loaded: unknown
  try {
    loaded = await load()
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
  if (!isPrettyModule(loaded)) return undefined
  const prettify = loaded.prettyFactory({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
  return new Writable({
    decodeStrings: false,
    write(chunk: unknown, _encoding, done) {
      out.write(prettify(String(chunk)))
      done()
    },
  })
}
