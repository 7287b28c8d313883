/**
 * @module server/cli/desk-cli
 * `npm run desk -- agent add "Ada Lovelace" [--role admin] [--avatar https://…] | agent list | agent revoke <id>`.
 *
 * It works on the store the running deployment uses. With `REDIS_URL` it writes to that Redis directly
 * (every node reads accounts from there, and a revocation is published to all of them). Without Redis the
 * accounts live inside the one BFF process, so the CLI asks that process over HTTP (`/api/desk/agents`),
 * signed in as an admin: `PARLEY_DESK_TOKEN` (the bootstrap admin) or `PARLEY_ADMIN_TOKEN` (an admin
 * account's token), at `PARLEY_URL` (default `PARLEY_PUBLIC_URL`, else `http://HOST:PORT`).
 */
import { loadConfig, type Config } from '../config'
import { asObject } from '../../src/protocol/read'
import { connectRedis } from '../redis/link'
import { createRedisStore } from '../redis/store'
import { agentAvatarUrl, readAgent } from '../stores/agent-records'
import type { AgentRecord, AgentRole } from '../stores/types'
import { agentDisplayName, issueAgent, publicAgent, signInLink } from '../upstreams/desk/agents'

export const USAGE = `Usage:
  npm run desk -- agent add "<display name>" [--role agent|admin] [--avatar https://…]
                                                                   prints the sign-in link, once
  npm run desk -- agent list
  npm run desk -- agent revoke <agent id>                          signs the agent out everywhere
With REDIS_URL set, the accounts are written to that Redis. Without it, the running BFF is asked at
PARLEY_URL (default PARLEY_PUBLIC_URL or http://HOST:PORT) as an admin: PARLEY_DESK_TOKEN or PARLEY_ADMIN_TOKEN.`

type Listed = Omit<AgentRecord, 'tokenHash'>
type Command = { op: 'add'; name: string; role: AgentRole; avatarUrl?: string } | { op: 'list' } | { op: 'revoke'; id: string }

/** What the CLI does with its accounts: Redis directly, or the running BFF. */
interface Accounts {
  add(name: string, role: AgentRole, avatarUrl?: string): Promise<{ agent: Listed; link: string }>
  list(): Promise<Listed[]>
  revoke(id: string): Promise<Listed | undefined>
  close(): Promise<void>
}

export function parseArgs(argv: readonly string[]): Command | string {
  const [noun, verb, ...rest] = argv
  if (noun !== 'agent') return USAGE
  if (verb === 'list' && rest.length === 0) return { op: 'list' }
  if (verb === 'revoke' && rest.length === 1 && rest[0]) return { op: 'revoke', id: rest[0] }
  if (verb === 'add') {
    let role: AgentRole = 'agent'
    let avatarUrl: string | undefined
    const names: string[] = []
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i] ?? ''
      if (arg === '--role') {
        const value = rest[++i]
        if (value !== 'agent' && value !== 'admin') return 'The role is "agent" or "admin".'
        role = value
      } else if (arg === '--avatar') {
        avatarUrl = agentAvatarUrl(rest[++i])
        if (!avatarUrl) return 'The avatar is an https:// URL of at most 2048 characters.'
      } else names.push(arg)
    }
    const name = agentDisplayName(names.join(' '))
    if (!name) return 'Give the agent a display name of 1-80 characters, in quotes.'
    return { op: 'add', name, role, ...(avatarUrl ? { avatarUrl } : {}) }
  }
  return USAGE
}

const base = (config: Config): string => config.publicUrl ?? `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${config.port}`

async function redisAccounts(config: Config, redisUrl: string): Promise<Accounts> {
  const link = await connectRedis({ url: redisUrl, prefix: config.redisPrefix, nodeId: `desk-cli-${process.pid}`, onStateChange: () => undefined })
  const store = createRedisStore(link, { retentionMs: config.retentionMs, maxEntriesPerConversation: config.maxEntriesPerConversation })
  return {
    async add(name, role, avatarUrl) {
      const { agent, token } = issueAgent(name, role, new Date(), avatarUrl)
      await store.putAgent(agent)
      return { agent: publicAgent(agent), link: signInLink(base(config), token) }
    },
    list: async () => (await store.listAgents()).map(publicAgent),
    revoke: async (id) => {
      const agent = await store.revokeAgent(id)
      return agent && publicAgent(agent)
    },
    async close() {
      await store.close()
      await link.close()
    },
  }
}

function readListed(x: unknown): Listed | undefined {
  const o = asObject(x)
  if (!o) return undefined
  // the routes never send the hash; the record reader wants one, so a placeholder stands in and is dropped
  const agent = readAgent({ ...o, tokenHash: '-' })
  return agent && publicAgent(agent)
}

function httpAccounts(url: string, token: string, fetcher: typeof fetch): Accounts {
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetcher(`${url.replace(/\/+$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    const json: unknown = await res.json().catch(() => ({}))
    const o = typeof json === 'object' && json !== null ? Object.fromEntries(Object.entries(json)) : {}
    if (res.status >= 400 && res.status !== 404) throw new Error(`The BFF at ${url} answered ${res.status}: ${typeof o.detail === 'string' ? o.detail : res.statusText}`)
    return { status: res.status, json: o }
  }
  return {
    async add(name, role, avatarUrl) {
      const { json } = await call('POST', '/api/desk/agents', { name, role, ...(avatarUrl ? { avatarUrl } : {}) })
      const agent = readListed(json.agent)
      if (!agent || typeof json.link !== 'string') throw new Error('The BFF answered without the new account.')
      return { agent, link: json.link }
    },
    async list() {
      const { json } = await call('GET', '/api/desk/agents')
      return Array.isArray(json.agents) ? json.agents.map(readListed).filter((a): a is Listed => a !== undefined) : []
    },
    async revoke(id) {
      const { status, json } = await call('DELETE', `/api/desk/agents/${encodeURIComponent(id)}`)
      return status === 404 ? undefined : readListed(json.agent)
    },
    close: async () => undefined,
  }
}

/** Runs one command; returns the exit code. `out` gets what a person reads, `err` the problems. */
export async function runDeskCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: { out: (line: string) => void; err: (line: string) => void; fetch?: typeof fetch },
): Promise<number> {
  const command = parseArgs(argv)
  if (typeof command === 'string') {
    io.err(command)
    return 2
  }
  const config = loadConfig(env)
  let accounts: Accounts
  if (config.redisUrl) accounts = await redisAccounts(config, config.redisUrl)
  else {
    const token = env.PARLEY_ADMIN_TOKEN || env.PARLEY_DESK_TOKEN
    if (!token) {
      io.err('Without REDIS_URL the running BFF keeps the accounts: set PARLEY_DESK_TOKEN (or PARLEY_ADMIN_TOKEN, an admin account\'s token) to ask it.')
      return 2
    }
    accounts = httpAccounts(env.PARLEY_URL || base(config), token, io.fetch ?? fetch)
  }
  try {
    switch (command.op) {
      case 'add': {
        const { agent, link } = await accounts.add(command.name, command.role, command.avatarUrl)
        io.out(`Added ${agent.name} (${agent.id}, ${agent.role}). Their sign-in link, shown this once:\n  ${link}`)
        return 0
      }
      case 'list': {
        const list = await accounts.list()
        if (!list.length) io.out('No agent accounts yet (the bootstrap admin, PARLEY_DESK_TOKEN, is not listed).')
        for (const a of list) io.out(`${a.id}  ${a.role.padEnd(5)}  ${a.revokedAt ? `revoked ${a.revokedAt}` : 'active'}  ${a.name}`)
        return 0
      }
      case 'revoke': {
        const agent = await accounts.revoke(command.id)
        if (!agent) {
          io.err(`No account ${command.id}.`)
          return 1
        }
        io.out(`Revoked ${agent.name} (${agent.id}); their open desk sockets are closed.`)
        return 0
      }
    }
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err))
    return 1
  } finally {
    await accounts.close()
  }
}
