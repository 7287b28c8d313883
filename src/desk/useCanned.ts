/**
 * @module desk/useCanned
 * The team's canned replies (`/api/desk/canned-replies`): loaded when the desk signs in and again whenever
 * the "/" list opens (a colleague may have changed them), added, changed and deleted from the manager.
 */
import { shallowRef } from 'vue'
import { readProblemDetail } from '../protocol'
import { asObject, readField, readId, readString } from '../protocol/read'

export interface Canned {
  id: string
  title: string
  text: string
}

function readCanned(raw: unknown): Canned | undefined {
  const o = asObject(raw)
  const id = o && readId(o, 'id')
  const title = o && readString(o, 'title', 200)
  const text = o && readString(o, 'text', 8000)
  return id && title && text ? { id, title, text } : undefined
}

/** Canned replies whose title or text holds `query` (case-insensitive), titles first. */
export function matchCanned(list: readonly Canned[], query: string): Canned[] {
  const q = query.trim().toLocaleLowerCase()
  if (!q) return [...list]
  const inTitle = list.filter((c) => c.title.toLocaleLowerCase().includes(q))
  return [...inTitle, ...list.filter((c) => !inTitle.includes(c) && c.text.toLocaleLowerCase().includes(q))]
}

export function useCanned(token: () => string | undefined) {
  const replies = shallowRef<Canned[]>([])
  const error = shallowRef<string>()

  async function call(method: string, path = '', body?: { title: string; text: string }): Promise<unknown> {
    const res = await fetch(`/api/desk/canned-replies${path}`, {
      method,
      headers: { authorization: `Bearer ${token() ?? ''}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    const json: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined)
    if (!res.ok) throw new Error(readProblemDetail(json) ?? `The canned replies could not be saved (${res.status}).`)
    return json
  }

  async function load(): Promise<void> {
    try {
      const body = asObject(await call('GET'))
      const list = body && readField(body, 'replies')
      replies.value = Array.isArray(list) ? list.map(readCanned).filter((c): c is Canned => c !== undefined) : []
      error.value = undefined
    } catch (err) {
      error.value = err instanceof Error ? err.message : 'The canned replies could not be loaded.'
    }
  }

  /** Add (no id) or change one; resolves false and sets `error` when the BFF refused it. */
  async function save(reply: { id?: string; title: string; text: string }): Promise<boolean> {
    try {
      await call(reply.id ? 'PUT' : 'POST', reply.id ? `/${encodeURIComponent(reply.id)}` : '', { title: reply.title, text: reply.text })
      await load()
      return true
    } catch (err) {
      error.value = err instanceof Error ? err.message : 'The canned reply could not be saved.'
      return false
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      await call('DELETE', `/${encodeURIComponent(id)}`)
      await load()
    } catch (err) {
      error.value = err instanceof Error ? err.message : 'The canned reply could not be deleted.'
    }
  }

  return { replies, error, load, save, remove }
}

export type CannedReplies = ReturnType<typeof useCanned>
