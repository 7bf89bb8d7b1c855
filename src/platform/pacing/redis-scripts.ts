/**
 * The Lua side of RedisPacingStore. Every script reads Redis's clock (TIME), so all instances pace on one
 * clock; times are epoch milliseconds with microseconds, written with %.3f (Lua's tostring keeps only 14
 * digits) and returned as strings (Redis truncates Lua numbers to integers). Keys share a hash tag, so a
 * key's state lives on one Redis Cluster slot.
 */

const PRELUDE = `
local clock = redis.call('TIME')
local t = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local function ms(x) return string.format('%.3f', x) end
`;

/**
 * KEYS: log (ZSET id → grant time), seeded (marker), pause (end of a pause), seq (grant id counter).
 * ARGV: rate, windowMs, burst, k, ttlMs. Returns {granted | -1 when unseeded, waitMs, now, first id}.
 * The rule is plan.ts's planGrants/waitAfter.
 */
export const TAKE_LUA = `${PRELUDE}
local rate, window, burst, k, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('EXISTS', KEYS[2]) == 0 then return {-1, '0', ms(t), 0} end
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > t then return {0, ms(paused - t), ms(t), 0} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms(t - window))
local n = redis.call('ZCARD', KEYS[1])
local span = burst * window / rate
local recent = redis.call('ZCOUNT', KEYS[1], '(' .. ms(t - span), '+inf')
local m = math.max(0, math.min(k, rate - n, burst - recent))
local first = 0
if m > 0 then
  local last = redis.call('INCRBY', KEYS[4], m)
  first = last - m + 1
  local stamp = ms(t)
  local i = first
  while i <= last do
    local args = {}
    local j = i
    while j <= last and j < i + 500 do
      args[#args + 1] = stamp
      args[#args + 1] = string.format('%d', j)
      j = j + 1
    end
    redis.call('ZADD', KEYS[1], unpack(args))
    i = j
  end
end
local total = n + m
local wait = 0
if total >= rate then
  local e = redis.call('ZRANGE', KEYS[1], total - rate, total - rate, 'WITHSCORES')
  wait = math.max(wait, tonumber(e[2]) + window - t)
end
if recent + m >= burst then
  local e = redis.call('ZRANGE', KEYS[1], total - burst, total - burst, 'WITHSCORES')
  wait = math.max(wait, tonumber(e[2]) + span - t)
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('PEXPIRE', KEYS[4], ttl)
return {m, ms(wait), ms(t), first}
`;

/** KEYS: log, seeded, seq. ARGV: ttlMs, then the send times. Returns 1 when seeded now, 0 when already seeded. */
export const SEED_LUA = `${PRELUDE}
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local ttl = tonumber(ARGV[1])
local i = 2
while i <= #ARGV do
  local args = {}
  while i <= #ARGV and #args < 1000 do
    local at = tonumber(ARGV[i])
    if at <= t then
      args[#args + 1] = ms(at)
      args[#args + 1] = string.format('%d', redis.call('INCR', KEYS[3]))
    end
    i = i + 1
  end
  if #args > 0 then redis.call('ZADD', KEYS[1], unpack(args)) end
end
redis.call('SET', KEYS[2], '1', 'PX', ttl)
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return 1
`;

/**
 * KEYS: log. ARGV: grant ids. Moves each existing grant to now, never earlier (ZADD XX GT); returns the ids the
 * log no longer holds.
 */
export const RESTAMP_LUA = `${PRELUDE}
local stamp = ms(t)
local missing = {}
for i = 1, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then redis.call('ZADD', KEYS[1], 'XX', 'GT', stamp, ARGV[i])
  else missing[#missing + 1] = ARGV[i] end
end
return missing
`;

/** KEYS: pause. ARGV: until (epoch ms). Keeps the later end; the key expires with the pause. */
export const PAUSE_LUA = `${PRELUDE}
local untilMs = tonumber(ARGV[1])
if untilMs <= t then return 0 end
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= untilMs then return 0 end
redis.call('SET', KEYS[1], ms(untilMs), 'PX', math.ceil(untilMs - t) + 1)
return 1
`;
