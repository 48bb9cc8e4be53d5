//! The Redis cache: one multiplexed `ConnectionManager` per process, which reconnects by itself
//! when Redis comes back. Every call is bounded by a timeout, so a hung or absent Redis turns
//! into `CacheError::Unavailable` quickly instead of stalling requests.

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, Script, SetExpiry, SetOptions};
use secrecy::{ExposeSecret, SecretString};

use super::scripts::{DELETE_IF_EQUALS, RUN, SET_IF_UNCHANGED};
use super::{Cache, CacheError, Counter, GetOrLock, Guard, Reply, Step, Write, ttl_millis};
use crate::platform::config::RedisSettings;

#[derive(Clone)]
pub struct RedisCache {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
    delete_if_equals_script: Script,
    set_if_unchanged_script: Script,
    run_script: Script,
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
            delete_if_equals_script: Script::new(DELETE_IF_EQUALS),
            set_if_unchanged_script: Script::new(SET_IF_UNCHANGED),
            run_script: Script::new(RUN),
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
        let step = Step::Count {
            key: key.to_owned(),
            window: ttl,
            limit: i64::MAX,
        };
        match self.run(&[step]).await?.pop() {
            Some(Reply::Counted(counter)) => Ok(counter),
            other => Err(unexpected("increment", &other)),
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
        let step = Step::GetOrLock {
            key: key.to_owned(),
            lock: lock.to_owned(),
            owner: owner.to_vec(),
            ttl,
        };
        match self.run(&[step]).await?.pop() {
            Some(Reply::Lock(answer)) => Ok(answer),
            other => Err(unexpected("get-or-lock", &other)),
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
        let steps: Vec<Step> = writes.iter().cloned().map(Step::Write).collect();
        self.run(&steps).await?;
        Ok(())
    }

    async fn run(&self, steps: &[Step]) -> Result<Vec<Reply>, CacheError> {
        if steps.is_empty() {
            return Ok(Vec::new());
        }
        let mut connection = self.connection.clone();
        let script = self.run_script.clone();
        let mut invocation = script.prepare_invoke();
        for step in steps {
            match step {
                Step::Count { key, window, limit } => {
                    invocation
                        .key(self.key(key))
                        .arg("count")
                        .arg(ttl_millis(*window))
                        .arg(*limit);
                }
                Step::Get { key } => {
                    invocation.key(self.key(key)).arg("get");
                }
                Step::GetOrLock {
                    key,
                    lock,
                    owner,
                    ttl,
                } => {
                    invocation
                        .key(self.key(key))
                        .key(self.key(lock))
                        .arg("lock")
                        .arg(owner.as_slice())
                        .arg(ttl_millis(*ttl));
                }
                Step::Write(write) => {
                    invocation.key(self.key(write.key()));
                    match write {
                        Write::Set { value, ttl, .. } => {
                            invocation
                                .arg("set")
                                .arg(value.as_slice())
                                .arg(ttl_millis(*ttl));
                        }
                        Write::Delete { .. } => {
                            invocation.arg("del");
                        }
                        Write::Hold { ttl, .. } => {
                            invocation.arg("hold").arg(ttl_millis(*ttl));
                        }
                        Write::Release { .. } => {
                            invocation.arg("release");
                        }
                        Write::Touch { ttl, .. } => {
                            invocation.arg("touch").arg(ttl_millis(*ttl));
                        }
                    }
                }
            }
        }
        let answer: Result<Vec<redis::Value>, CacheError> = self
            .bounded(async move { invocation.invoke_async(&mut connection).await })
            .await;
        let answer = match answer {
            Err(CacheError::Unavailable(message)) if message.contains("not an integer") => {
                let key = steps.iter().find_map(|step| match step {
                    Step::Count { key, .. } => Some(key.clone()),
                    _ => None,
                });
                return Err(CacheError::NotAnInteger(key.unwrap_or_default()));
            }
            answer => answer?,
        };
        if answer.len() > steps.len() {
            return Err(unexpected("run", &answer));
        }
        steps
            .iter()
            .zip(answer)
            .map(|(step, reply)| reply_of(step, reply))
            .collect()
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

/// One step's reply as the script gives it (see [`RUN`]).
fn reply_of(step: &Step, reply: redis::Value) -> Result<Reply, CacheError> {
    let redis::Value::Array(parts) = reply else {
        return Err(unexpected("run", &reply));
    };
    let mut parts = parts.into_iter();
    let reply = match (step, parts.next(), parts.next()) {
        (Step::Count { .. }, Some(redis::Value::Int(value)), Some(redis::Value::Int(ttl))) => {
            Reply::Counted(Counter {
                value,
                ttl: Duration::from_millis(u64::try_from(ttl).unwrap_or(0)),
            })
        }
        (Step::Get { .. }, None, None) => Reply::Value(None),
        (Step::Get { .. }, Some(redis::Value::BulkString(value)), None) => {
            Reply::Value(Some(value))
        }
        (Step::GetOrLock { .. }, Some(redis::Value::BulkString(kind)), value) => {
            match (kind.as_slice(), value) {
                (b"found", Some(redis::Value::BulkString(value))) => {
                    Reply::Lock(GetOrLock::Found(value))
                }
                (b"locked", None) => Reply::Lock(GetOrLock::Locked),
                (b"busy", None) => Reply::Lock(GetOrLock::Busy),
                (_, value) => return Err(unexpected("get-or-lock", &value)),
            }
        }
        (Step::Write(_), None, None) => Reply::Written,
        (_, first, second) => return Err(unexpected("run", &(first, second))),
    };
    Ok(reply)
}

fn unexpected(what: &str, answer: &impl std::fmt::Debug) -> CacheError {
    CacheError::Unavailable(format!("unexpected answer to {what}: {answer:?}"))
}
