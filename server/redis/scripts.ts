/**
 * @module server/redis/scripts
 * The Lua scripts that make a store write atomic on Redis: appending (dedup check, next seq, stream
 * entry, retention, notification) happens in one step, so two nodes never hand out the same seq and a
 * node that dies mid-write leaves either everything or nothing — and never an entry nobody was told of.
 *
 * Conversation hashes hold every field JSON-encoded, so a hash becomes a JSON object by concatenation
 * (field names are the record's own identifiers, so they are quoted, not encoded). Each script makes as
 * few calls as it can: a call from Lua costs about as much as the command itself (INFO commandstats).
 * A script touches only keys of one conversation, so each runs on one hash slot of a Redis Cluster.
 */

const CONVERSATION_JSON = `
local function conversationJson(key)
  local h = redis.call('HGETALL', key)
  local parts = {}
  for i = 1, #h, 2 do parts[#parts + 1] = '"' .. h[i] .. '":' .. h[i + 1] end
  return '{' .. table.concat(parts, ',') .. '}'
end
`

/**
 * Retention is extended lazily: the keys' TTLs (and, outside the script, the guest's TTL and the
 * conversation's place in the index) move only when the last extension is `ARGV.retainEvery` old, so a busy
 * conversation costs one PEXPIRE round a minute instead of four writes per message. A key just created gets
 * its TTL at once. `retainedAt` lives in the conversation hash (readers ignore it).
 */
const RETAIN = `
local function retainDue(at, now, every)
  at = tonumber(at)
  return not (at and now - at < every)
end
`

/**
 * Every key is of one conversation (one hash slot on Redis Cluster); the guest key and the index are the
 * caller's, when `retain` says so.
 * KEYS: conversation hash, stream, dedup hash
 * ARGV: conversationId, entry JSON (no seq), epoch to use if the stream was lost, updatedAt JSON,
 *       now ms, retention ms, max entries, channel, node, retainEvery ms, key count, keys…
 * Returns {1, seq, epochChanged, conversation JSON, retain} appended | {0, seq, entry JSON} duplicate |
 * {-1} unknown conversation.
 */
export const APPEND = `${CONVERSATION_JSON}${RETAIN}
local meta = redis.call('HMGET', KEYS[1], 'lastSeq', 'retainedAt')
if not meta[1] then return {-1} end
local n = tonumber(ARGV[11])
for i = 1, n do
  local seq = redis.call('HGET', KEYS[3], ARGV[11 + i])
  if seq then
    local found = redis.call('XRANGE', KEYS[2], seq .. '-0', seq .. '-0')
    -- a key whose entry was trimmed away no longer guards anything: append anew
    if found[1] then return {0, tonumber(seq), found[1][2][2]} end
  end
end
local lastSeq = tonumber(meta[1])
local epochChanged = 0
local fresh = lastSeq == 0 or redis.call('EXISTS', KEYS[2]) == 0
if lastSeq > 0 and fresh then
  -- the history is gone (lost in a Redis restart, or evicted): seqs go on, but under a new epoch,
  -- so every client that holds the old one refetches instead of trusting a silent gap
  redis.call('HSET', KEYS[1], 'epoch', cjson.encode(ARGV[3]))
  epochChanged = 1
end
local seq = lastSeq + 1
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[7], seq .. '-0', 'e', ARGV[2])
local retain = retainDue(meta[2], tonumber(ARGV[5]), tonumber(ARGV[10]))
if retain then
  redis.call('HSET', KEYS[1], 'lastSeq', seq, 'updatedAt', ARGV[4], 'retainedAt', ARGV[5])
else
  redis.call('HSET', KEYS[1], 'lastSeq', seq, 'updatedAt', ARGV[4])
end
for i = 1, n do redis.call('HSET', KEYS[3], ARGV[11 + i], seq) end
local retention = tonumber(ARGV[6])
if retain then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], retention) end
else
  if fresh then redis.call('PEXPIRE', KEYS[2], retention) end
  if n > 0 and redis.call('PTTL', KEYS[3]) < 0 then redis.call('PEXPIRE', KEYS[3], retention) end
end
local conversation = conversationJson(KEYS[1])
redis.call('PUBLISH', ARGV[8], '{"node":' .. cjson.encode(ARGV[9]) .. ',"type":"entry","conversationId":' .. cjson.encode(ARGV[1]) ..
  ',"seq":' .. seq .. ',"entry":' .. ARGV[2] .. ',"conversation":' .. conversation .. '}')
return {1, seq, epochChanged, conversation, retain and 1 or 0}
`

/**
 * KEYS: conversation hash, stream, dedup hash (their TTLs move together)
 * ARGV: now ms, retention ms, channel, node, retainEvery ms, then field/JSON-value pairs
 * Returns {conversation JSON, retain}, or nil when it does not exist.
 */
export const UPDATE = `${CONVERSATION_JSON}${RETAIN}
local at = redis.call('HMGET', KEYS[1], 'lastSeq', 'retainedAt')
if not at[1] then return nil end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
local retain = retainDue(at[2], tonumber(ARGV[1]), tonumber(ARGV[5]))
if retain then
  redis.call('HSET', KEYS[1], 'retainedAt', ARGV[1])
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
local json = conversationJson(KEYS[1])
redis.call('PUBLISH', ARGV[3], '{"node":' .. cjson.encode(ARGV[4]) .. ',"type":"conversation","conversation":' .. json .. '}')
return {json, retain and 1 or 0}
`

/** KEYS: lease. ARGV: node, ttl ms. Extends the lease only while this node holds it. */
export const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`

/** KEYS: lease. ARGV: node. Deletes the lease only while this node holds it. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`
