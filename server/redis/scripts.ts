/**
 * @module server/redis/scripts
 * The Lua scripts that make a store write atomic on Redis: appending (dedup check, next seq, stream
 * entry, retention, notification) happens in one step, so two nodes never hand out the same seq and a
 * node that dies mid-write leaves either everything or nothing — and never an entry nobody was told of.
 *
 * Conversation hashes hold every field JSON-encoded, so a hash becomes a JSON object by concatenation.
 * The guest key is derived inside the script (prefix + guestId): fine for one Redis, not for Cluster.
 */

const CONVERSATION_JSON = `
local function conversationJson(key)
  local h = redis.call('HGETALL', key)
  local parts = {}
  for i = 1, #h, 2 do parts[#parts + 1] = cjson.encode(h[i]) .. ':' .. h[i + 1] end
  return '{' .. table.concat(parts, ',') .. '}'
end
`

/**
 * KEYS: conversation hash, stream, dedup hash, conversation index (zset)
 * ARGV: prefix, conversationId, entry JSON (no seq), epoch to use if the stream was lost, updatedAt JSON,
 *       now ms, retention ms, max entries, channel, node, key count, keys…
 * Returns {1, seq, epochChanged, conversation JSON} appended | {0, seq, entry JSON} duplicate | {-1} unknown conversation.
 */
export const APPEND = `${CONVERSATION_JSON}
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local n = tonumber(ARGV[11])
for i = 1, n do
  local seq = redis.call('HGET', KEYS[3], ARGV[11 + i])
  if seq then
    local found = redis.call('XRANGE', KEYS[2], seq .. '-0', seq .. '-0')
    -- a key whose entry was trimmed away no longer guards anything: append anew
    if found[1] then return {0, tonumber(seq), found[1][2][2]} end
  end
end
local lastSeq = tonumber(redis.call('HGET', KEYS[1], 'lastSeq'))
local epochChanged = 0
if lastSeq > 0 and redis.call('EXISTS', KEYS[2]) == 0 then
  -- the history is gone (lost in a Redis restart, or evicted): seqs go on, but under a new epoch,
  -- so every client that holds the old one refetches instead of trusting a silent gap
  redis.call('HSET', KEYS[1], 'epoch', cjson.encode(ARGV[4]))
  epochChanged = 1
end
local seq = lastSeq + 1
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], seq .. '-0', 'e', ARGV[3])
redis.call('HSET', KEYS[1], 'lastSeq', seq, 'updatedAt', ARGV[5])
for i = 1, n do redis.call('HSET', KEYS[3], ARGV[11 + i], seq) end
local retention = tonumber(ARGV[7])
redis.call('PEXPIRE', KEYS[1], retention)
redis.call('PEXPIRE', KEYS[2], retention)
if n > 0 then redis.call('PEXPIRE', KEYS[3], retention) end
redis.call('PEXPIRE', ARGV[1] .. 'g:' .. cjson.decode(redis.call('HGET', KEYS[1], 'guestId')), retention)
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[2])
local conversation = conversationJson(KEYS[1])
redis.call('PUBLISH', ARGV[9], '{"type":"entry","node":' .. cjson.encode(ARGV[10]) .. ',"conversationId":' .. cjson.encode(ARGV[2]) ..
  ',"seq":' .. seq .. ',"entry":' .. ARGV[3] .. ',"conversation":' .. conversation .. '}')
return {1, seq, epochChanged, conversation}
`

/**
 * KEYS: conversation hash, conversation index
 * ARGV: conversationId, now ms, retention ms, channel, node, then field/JSON-value pairs
 * Returns the conversation JSON, or nil when it does not exist.
 */
export const UPDATE = `${CONVERSATION_JSON}
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
local json = conversationJson(KEYS[1])
redis.call('PUBLISH', ARGV[4], '{"type":"conversation","node":' .. cjson.encode(ARGV[5]) .. ',"conversation":' .. json .. '}')
return json
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
