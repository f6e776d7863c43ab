/**
 * The Lua scripts of the Redis tier, each one atomic and one round trip, and
 * how to run them (EVALSHA, falling back to EVAL once when Redis has not seen
 * the script). Keys the scripts build from members (entry keys of a tag) are
 * not declared in KEYS, so the tier needs a single Redis, not a Cluster.
 *
 * Layout under the prefix P: `P e:<kind>:<key>` the entry (JSON envelope, PX
 * ttl+grace); `P t:<tag>` a sorted set of full keys scored by when each entry
 * expires (expired members are trimmed on every write, so a busy tag's set
 * stays the size of its live entries); `P v:t:<tag>` and `P v:k:<fullKey>`
 * invalidation counters: a write that read them before its load is refused
 * when one moved, so a load racing an invalidation on another instance cannot
 * put the old value back.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * KEYS: entry, version keys (1 + n: key's, then each tag's), tag sets (n).
 * ARGV: payload, px, n, check ('1' to compare versions), trimBefore (tag-set
 * members scored below it are dropped), expiresAt, fullKey, expected versions
 * (1 + n, '' for none). Returns 1 when written.
 */
export const WRITE_SCRIPT = `
local n = tonumber(ARGV[3])
if ARGV[4] == '1' then
  for i = 2, n + 2 do
    local v = redis.call('GET', KEYS[i]) or ''
    if v ~= ARGV[i + 6] then return 0 end
  end
end
local px = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', px)
for i = n + 3, 2 * n + 2 do
  redis.call('ZADD', KEYS[i], ARGV[6], ARGV[7])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[5])
  if redis.call('PTTL', KEYS[i]) < px then redis.call('PEXPIRE', KEYS[i], px) end
end
return 1
`;

/**
 * KEYS: tag sets (n), then their version keys (n). ARGV: entry key prefix,
 * version ttl ms, channel ('' for none), message. Returns entries deleted.
 */
export const INVALIDATE_TAGS_SCRIPT = `
local n = #KEYS / 2
local dropped = 0
for i = 1, n do
  local members = redis.call('ZRANGE', KEYS[i], 0, -1)
  for j = 1, #members, 500 do
    local batch = {}
    for k = j, math.min(j + 499, #members) do batch[#batch + 1] = ARGV[1] .. members[k] end
    dropped = dropped + redis.call('UNLINK', unpack(batch))
  end
  redis.call('UNLINK', KEYS[i])
  redis.call('INCR', KEYS[n + i])
  redis.call('PEXPIRE', KEYS[n + i], ARGV[2])
end
if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return dropped
`;

/**
 * KEYS: entries (n), then their version keys (n). ARGV as for
 * INVALIDATE_TAGS_SCRIPT (the prefix unused). Returns entries deleted.
 */
export const INVALIDATE_KEYS_SCRIPT = `
local n = #KEYS / 2
local dropped = 0
for i = 1, n do
  dropped = dropped + redis.call('UNLINK', KEYS[i])
  redis.call('INCR', KEYS[n + i])
  redis.call('PEXPIRE', KEYS[n + i], ARGV[2])
end
if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
return dropped
`;

const shas = new Map<string, string>();

function sha1(script: string): string {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}

/** Runs `script` by its SHA, loading it with EVAL the first time this Redis lacks it. */
export async function runScript(
  redis: Redis,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(sha1(script), keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
