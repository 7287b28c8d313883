// Vitest 5's failure reporter calls Map.groupBy (Node 21+). On Node 20 a failing test would crash the
// reporter instead of being reported, so the test runs load this first (`node --import`).
if (typeof Map.groupBy !== 'function') {
  Map.groupBy = function groupBy(items, key) {
    const map = new Map()
    let i = 0
    for (const item of items) {
      const k = key(item, i++)
      const list = map.get(k)
      if (list) list.push(item)
      else map.set(k, [item])
    }
    return map
  }
}
if (typeof Object.groupBy !== 'function') {
  Object.groupBy = function groupBy(items, key) {
    const out = Object.create(null)
    let i = 0
    for (const item of items) (out[key(item, i++)] ??= []).push(item)
    return out
  }
}
