//! The Lua scripts of the Redis cache: each runs atomically in one round trip.

pub const DELETE_IF_EQUALS: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// SET only if every guard key holds what its argument says: `0` for absent, `1` followed by
/// the value for present. KEYS[1] is the key to set; ARGV[1] its value, ARGV[2] its TTL in ms.
pub const SET_IF_UNCHANGED: &str = r"
for i = 2, #KEYS do
  local current = redis.call('GET', KEYS[i])
  local expected = ARGV[i + 1]
  if string.sub(expected, 1, 1) == '0' then
    if current then return 0 end
  elseif current ~= string.sub(expected, 2) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
";

/// The steps of one `run` (and of `incr`, `get_or_lock` and `apply`, which are runs of one kind
/// of step). INCR starts the window on a counter's first increment; a key left without an expiry
/// (written by something else) gets one too, so a counter can never live forever.
/// ARGV holds each step's kind and arguments in turn, KEYS each step's
/// keys (two for get-or-lock). A reply per step run; a count that passes its limit ends the run.
pub const RUN: &str = r"
local replies = {}
local a, k = 1, 1
while a <= #ARGV do
  local kind = ARGV[a]
  if kind == 'count' then
    local value = redis.call('INCR', KEYS[k])
    local ttl = redis.call('PTTL', KEYS[k])
    if ttl < 0 then
      redis.call('PEXPIRE', KEYS[k], ARGV[a + 1])
      ttl = tonumber(ARGV[a + 1])
    end
    replies[#replies + 1] = {value, ttl}
    if value > tonumber(ARGV[a + 2]) then return replies end
    k = k + 1
    a = a + 3
  elseif kind == 'get' then
    local value = redis.call('GET', KEYS[k])
    if value then replies[#replies + 1] = {value} else replies[#replies + 1] = {} end
    k = k + 1
    a = a + 1
  elseif kind == 'lock' then
    local value = redis.call('GET', KEYS[k])
    if value then
      replies[#replies + 1] = {'found', value}
    elseif redis.call('SET', KEYS[k + 1], ARGV[a + 1], 'NX', 'PX', ARGV[a + 2]) then
      replies[#replies + 1] = {'locked'}
    else
      replies[#replies + 1] = {'busy'}
    end
    k = k + 2
    a = a + 3
  else
    if kind == 'set' then
      redis.call('SET', KEYS[k], ARGV[a + 1], 'PX', ARGV[a + 2])
      a = a + 3
    elseif kind == 'del' then
      redis.call('DEL', KEYS[k])
      a = a + 1
    elseif kind == 'hold' then
      redis.call('INCR', KEYS[k])
      redis.call('PEXPIRE', KEYS[k], ARGV[a + 1])
      a = a + 2
    elseif kind == 'touch' then
      redis.call('PEXPIRE', KEYS[k], ARGV[a + 1])
      a = a + 2
    else
      if redis.call('DECR', KEYS[k]) <= 0 then redis.call('DEL', KEYS[k]) end
      a = a + 1
    end
    replies[#replies + 1] = {}
    k = k + 1
  end
end
return replies
";
