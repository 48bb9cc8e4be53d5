//! The cache port: short-lived shared state (sessions, tokens, locks, rate-limit counters).
//! Two implementations with the same semantics, pinned by one contract test suite:
//! [`RedisCache`] for production (state shared by every instance) and [`MemoryCache`] for the
//! embedded single-node profile. TTLs are real time, never the business clock.

mod memory;
mod redis;
mod scripts;

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub mod guarded;

pub use self::memory::MemoryCache;
pub use self::redis::RedisCache;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The cache cannot be reached or did not answer in time.
    #[error("cache unavailable: {0}")]
    Unavailable(String),
    /// An increment hit a value that is not an integer.
    #[error("cache value at {0} is not an integer")]
    NotAnInteger(String),
    #[error("cached value at {key} could not be decoded: {reason}")]
    Decode { key: String, reason: String },
}

/// A counter after an atomic increment: its value and how long until its window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counter {
    pub value: i64,
    pub ttl: Duration,
}

/// A condition on one key for [`Cache::set_if_unchanged`]: the key holds exactly `holds`
/// (`None`: the key is absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    pub key: String,
    pub holds: Option<Vec<u8>>,
}

/// What [`Cache::get_or_lock`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetOrLock {
    /// The value.
    Found(Vec<u8>),
    /// No value; the lock is now the caller's.
    Locked,
    /// No value, and someone else holds the lock.
    Busy,
}

/// One write of an atomic [`Cache::apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Set {
        key: String,
        value: Vec<u8>,
        ttl: Duration,
    },
    Delete {
        key: String,
    },
    /// Adds one holder to the counter at `key` and keeps it for `ttl` from now.
    Hold {
        key: String,
        ttl: Duration,
    },
    /// Takes one holder away; the counter is removed when none is left.
    Release {
        key: String,
    },
    /// Keeps the value at `key`, if there is one, for `ttl` from now; creates nothing (a value
    /// deleted meanwhile stays deleted).
    Touch {
        key: String,
        ttl: Duration,
    },
}

/// One step of [`Cache::run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// [`Cache::incr`]; when the counter passes `limit`, the steps after it are not run.
    Count {
        key: String,
        window: Duration,
        limit: i64,
    },
    /// [`Cache::get`].
    Get { key: String },
    /// [`Cache::get_or_lock`].
    GetOrLock {
        key: String,
        lock: String,
        owner: Vec<u8>,
        ttl: Duration,
    },
    /// One write, as in [`Cache::apply`].
    Write(Write),
}

/// What one [`Step`] answered, in the same order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Counted(Counter),
    Value(Option<Vec<u8>>),
    Lock(GetOrLock),
    Written,
}

impl Write {
    /// The key the write is on.
    pub fn key(&self) -> &str {
        match self {
            Self::Set { key, .. }
            | Self::Delete { key }
            | Self::Hold { key, .. }
            | Self::Release { key }
            | Self::Touch { key, .. } => key,
        }
    }
}

/// Keys are logical: each implementation puts its own prefix in front, so several deployments
/// (or parallel tests) can share one Redis without seeing each other's keys.
#[async_trait]
pub trait Cache: Send + Sync + Debug {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError>;

    /// Stores `value`, replacing any previous one, for `ttl`.
    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError>;

    /// Stores `value` only if the key holds nothing; true when it was stored (a lock taken).
    async fn set_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, CacheError>;

    /// Adds one to the integer at `key`. The first increment of a window starts it with `ttl`;
    /// later ones keep the window (a fixed-window rate-limit counter).
    async fn incr(&self, key: &str, ttl: Duration) -> Result<Counter, CacheError>;

    /// Removes the key; true when something was removed.
    async fn delete(&self, key: &str) -> Result<bool, CacheError>;

    /// Removes the key only if it still holds `expected` (releasing one's own lock, dropping a
    /// token only if it is still the one that failed).
    async fn delete_if_equals(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError>;

    /// The value at `key`; when there is none, takes the lock `lock` for `owner` (set if absent,
    /// for `ttl`) — "read it, or be the one who makes it", in one atomic step.
    async fn get_or_lock(
        &self,
        key: &str,
        lock: &str,
        owner: &[u8],
        ttl: Duration,
    ) -> Result<GetOrLock, CacheError>;

    /// The values of several keys, in their order, in one round trip.
    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, CacheError>;

    /// Stores `value` for `ttl` only if every guard still holds (checked and written atomically):
    /// a cache-aside fill that a concurrent change can refuse. True when it was stored.
    async fn set_if_unchanged(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        guards: &[Guard],
    ) -> Result<bool, CacheError>;

    /// Applies every write, in order, atomically and in one round trip.
    async fn apply(&self, writes: &[Write]) -> Result<(), CacheError>;

    /// Runs the steps in order, atomically and in one round trip: a reply per step run. A
    /// [`Step::Count`] that passes its limit ends the run (its reply is the last one), so what
    /// follows a rate limit happens only within it.
    async fn run(&self, steps: &[Step]) -> Result<Vec<Reply>, CacheError>;

    /// True when every instance of the service (and its commands) sees the same entries: what
    /// a cached copy of database rows needs, since a change made elsewhere must reach it.
    fn shared(&self) -> bool;

    /// Time left before the key expires; `None` when it does not exist.
    async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError>;

    /// A round trip, for the readiness probe.
    async fn ping(&self) -> Result<(), CacheError>;

    /// The name of the implementation, for logs and `/health/ready`.
    fn backend(&self) -> &'static str;
}

/// Typed helpers on top of the byte-level port.
impl dyn Cache + '_ {
    pub async fn get_json<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, CacheError> {
        match self.get(key).await? {
            None => Ok(None),
            Some(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| CacheError::Decode {
                        key: key.to_owned(),
                        reason: e.to_string(),
                    })
            }
        }
    }

    pub async fn set_json<T: Serialize + Sync>(
        &self,
        key: &str,
        value: &T,
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let bytes = serde_json::to_vec(value).map_err(|e| CacheError::Decode {
            key: key.to_owned(),
            reason: e.to_string(),
        })?;
        self.set(key, &bytes, ttl).await
    }
}

pub type SharedCache = Arc<dyn Cache>;

/// Redis wants a positive expiry in milliseconds; so does the in-process map, for the same answers.
fn ttl_millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}
