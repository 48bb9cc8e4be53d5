//! The Redis cache: one multiplexed `ConnectionManager` per process, which reconnects by itself
//! when Redis comes back. Every call is bounded by a timeout, so a hung or absent Redis turns
//! into `CacheError::Unavailable` quickly instead of stalling requests.

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Script, SetExpiry, SetOptions};
use secrecy::{ExposeSecret, SecretString};

use super::{Cache, CacheError, Counter, GetOrLock, Guard, Write, ttl_millis};
use crate::config::RedisSettings;

/// INCR, starting the window on the first increment; a key left without an expiry (written by
/// something else) gets one too, so a counter can never live forever.
const INCR_WITH_WINDOW: &str = r"
local value = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {value, ttl}
";

const DELETE_IF_EQUALS: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// SET only if every guard key holds what its argument says: `0` for absent, `1` followed by
/// the value for present. KEYS[1] is the key to set; ARGV[1] its value, ARGV[2] its TTL in ms.
const SET_IF_UNCHANGED: &str = r"
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

/// The writes of one `apply`, each on its key: ARGV holds each write's kind and arguments in turn.
const APPLY: &str = r"
local a = 1
for i = 1, #KEYS do
  local kind = ARGV[a]
  if kind == 'set' then
    redis.call('SET', KEYS[i], ARGV[a + 1], 'PX', ARGV[a + 2])
    a = a + 3
  elseif kind == 'del' then
    redis.call('DEL', KEYS[i])
    a = a + 1
  elseif kind == 'hold' then
    redis.call('INCR', KEYS[i])
    redis.call('PEXPIRE', KEYS[i], ARGV[a + 1])
    a = a + 2
  else
    if redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
    a = a + 1
  end
end
return 1
";

/// The value at KEYS[1]; else 1 when the lock KEYS[2] was taken for ARGV[1] (ARGV[2] ms), 0 when
/// it is held by someone else.
const GET_OR_LOCK: &str = r"
local value = redis.call('GET', KEYS[1])
if value then return value end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
";

#[derive(Clone)]
pub struct RedisCache {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
    incr_script: Script,
    delete_if_equals_script: Script,
    set_if_unchanged_script: Script,
    apply_script: Script,
    get_or_lock_script: Script,
}

impl std::fmt::Debug for RedisCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCache")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisCache {
    /// Creates the client without waiting for Redis: the first command connects, and a Redis
    /// that is down at start makes the service unready instead of unable to start.
    pub fn connect(
        url: &SecretString,
        settings: &RedisSettings,
        prefix: impl Into<String>,
    ) -> Result<Self, CacheError> {
        let client = redis::Client::open(url.expose_secret())
            .map_err(|e| CacheError::Unavailable(format!("invalid Redis URL: {:?}", e.kind())))?;
        let connect_timeout = Duration::from_millis(settings.connect_timeout_ms);
        let response_timeout = Duration::from_millis(settings.response_timeout_ms);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(connect_timeout))
            .set_response_timeout(Some(response_timeout))
            .set_number_of_retries(settings.reconnect_retries)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| CacheError::Unavailable(e.to_string()))?;
        Ok(Self {
            connection,
            prefix: prefix.into(),
            timeout: connect_timeout + response_timeout,
            incr_script: Script::new(INCR_WITH_WINDOW),
            delete_if_equals_script: Script::new(DELETE_IF_EQUALS),
            set_if_unchanged_script: Script::new(SET_IF_UNCHANGED),
            apply_script: Script::new(APPLY),
            get_or_lock_script: Script::new(GET_OR_LOCK),
        })
    }

    /// Another view of the same connection under another prefix.
    pub fn scoped(&self, prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            ..self.clone()
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn bounded<T>(
        &self,
        call: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, CacheError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(CacheError::Unavailable(e.to_string())),
            Err(_) => Err(CacheError::Unavailable(format!(
                "no answer within {} ms",
                self.timeout.as_millis()
            ))),
        }
    }
}

#[async_trait]
impl Cache for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let mut connection = self.connection.clone();
        let key = self.key(key);
        self.bounded(async move { connection.get(key).await }).await
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        let mut connection = self.connection.clone();
        let key = self.key(key);
        self.bounded(async move { connection.pset_ex(key, value, ttl_millis(ttl)).await })
            .await
    }

    async fn set_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let mut connection = self.connection.clone();
        let key = self.key(key);
        let options = SetOptions::default()
            .conditional_set(redis::ExistenceCheck::NX)
            .with_expiration(SetExpiry::PX(ttl_millis(ttl)));
        let reply: Option<String> = self
            .bounded(async move { connection.set_options(key, value, options).await })
            .await?;
        Ok(reply.is_some())
    }

    async fn incr(&self, key: &str, ttl: Duration) -> Result<Counter, CacheError> {
        let mut connection = self.connection.clone();
        let full_key = self.key(key);
        let script = self.incr_script.clone();
        let result: Result<(i64, i64), CacheError> = self
            .bounded(async move {
                script
                    .key(full_key)
                    .arg(ttl_millis(ttl))
                    .invoke_async(&mut connection)
                    .await
            })
            .await;
        match result {
            Ok((value, ttl_ms)) => Ok(Counter {
                value,
                ttl: Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(0)),
            }),
            Err(CacheError::Unavailable(message)) if message.contains("not an integer") => {
                Err(CacheError::NotAnInteger(key.to_owned()))
            }
            Err(e) => Err(e),
        }
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let mut connection = self.connection.clone();
        let key = self.key(key);
        let removed: i64 = self
            .bounded(async move { connection.del(key).await })
            .await?;
        Ok(removed > 0)
    }

    async fn delete_if_equals(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        let mut connection = self.connection.clone();
        let key = self.key(key);
        let script = self.delete_if_equals_script.clone();
        let removed: i64 = self
            .bounded(async move {
                script
                    .key(key)
                    .arg(expected)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        Ok(removed > 0)
    }

    async fn get_or_lock(
        &self,
        key: &str,
        lock: &str,
        owner: &[u8],
        ttl: Duration,
    ) -> Result<GetOrLock, CacheError> {
        let mut connection = self.connection.clone();
        let script = self.get_or_lock_script.clone();
        let (key, lock) = (self.key(key), self.key(lock));
        let reply: redis::Value = self
            .bounded(async move {
                script
                    .key(key)
                    .key(lock)
                    .arg(owner)
                    .arg(ttl_millis(ttl))
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        match reply {
            redis::Value::BulkString(bytes) => Ok(GetOrLock::Found(bytes)),
            redis::Value::Int(1) => Ok(GetOrLock::Locked),
            redis::Value::Int(0) => Ok(GetOrLock::Busy),
            other => Err(CacheError::Unavailable(format!(
                "unexpected answer to get-or-lock: {other:?}"
            ))),
        }
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, CacheError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut connection = self.connection.clone();
        let keys: Vec<String> = keys.iter().map(|k| self.key(k)).collect();
        self.bounded(async move { connection.mget(keys).await })
            .await
    }

    async fn set_if_unchanged(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        guards: &[Guard],
    ) -> Result<bool, CacheError> {
        let mut connection = self.connection.clone();
        let script = self.set_if_unchanged_script.clone();
        let mut invocation = script.prepare_invoke();
        invocation
            .key(self.key(key))
            .arg(value)
            .arg(ttl_millis(ttl));
        for guard in guards {
            invocation.key(self.key(&guard.key));
            match &guard.holds {
                None => invocation.arg("0"),
                Some(bytes) => invocation.arg([b"1".as_slice(), bytes].concat()),
            };
        }
        let stored: i64 = self
            .bounded(async move { invocation.invoke_async(&mut connection).await })
            .await?;
        Ok(stored == 1)
    }

    async fn apply(&self, writes: &[Write]) -> Result<(), CacheError> {
        if writes.is_empty() {
            return Ok(());
        }
        let mut connection = self.connection.clone();
        let script = self.apply_script.clone();
        let mut invocation = script.prepare_invoke();
        for write in writes {
            match write {
                Write::Set { key, value, ttl } => {
                    invocation
                        .key(self.key(key))
                        .arg("set")
                        .arg(value.as_slice())
                        .arg(ttl_millis(*ttl));
                }
                Write::Delete { key } => {
                    invocation.key(self.key(key)).arg("del");
                }
                Write::Hold { key, ttl } => {
                    invocation
                        .key(self.key(key))
                        .arg("hold")
                        .arg(ttl_millis(*ttl));
                }
                Write::Release { key } => {
                    invocation.key(self.key(key)).arg("release");
                }
            }
        }
        let _: i64 = self
            .bounded(async move { invocation.invoke_async(&mut connection).await })
            .await?;
        Ok(())
    }

    fn shared(&self) -> bool {
        true
    }

    async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError> {
        let mut connection = self.connection.clone();
        let key = self.key(key);
        let ttl_ms: i64 = self
            .bounded(async move { connection.pttl(key).await })
            .await?;
        // -2: no such key; -1: a key without expiry (never written by this port).
        Ok(match ttl_ms {
            -2 => None,
            -1 => Some(Duration::MAX),
            ms => Some(Duration::from_millis(u64::try_from(ms).unwrap_or(0))),
        })
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let mut connection = self.connection.clone();
        let _: String = self
            .bounded(async move { redis::cmd("PING").query_async(&mut connection).await })
            .await?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "redis"
    }
}
