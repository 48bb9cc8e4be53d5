//! The in-process cache of the embedded profile: one map behind a mutex, entries expiring on
//! the real monotonic clock. Single node only: production refuses it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{Cache, CacheError, Counter, GetOrLock, Guard, Reply, Step, Write, ttl_millis};

/// How many writes between two sweeps of expired entries.
const SWEEP_EVERY: u32 = 256;

#[derive(Debug)]
struct Entry {
    value: Vec<u8>,
    expires_at: Instant,
}

#[derive(Debug, Default)]
struct Store {
    entries: HashMap<String, Entry>,
    writes_since_sweep: u32,
}

impl Store {
    fn live(&mut self, key: &str, now: Instant) -> Option<&mut Entry> {
        if self.entries.get(key).is_some_and(|e| e.expires_at <= now) {
            self.entries.remove(key);
        }
        self.entries.get_mut(key)
    }

    /// [`Cache::incr`] at `full_key` (`key` names it in an error).
    fn incr(
        &mut self,
        full_key: String,
        key: &str,
        ttl: Duration,
        now: Instant,
    ) -> Result<Counter, CacheError> {
        if let Some(entry) = self.live(&full_key, now) {
            let current: i64 = std::str::from_utf8(&entry.value)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| CacheError::NotAnInteger(key.to_owned()))?;
            let value = current.saturating_add(1);
            entry.value = value.to_string().into_bytes();
            return Ok(Counter {
                value,
                ttl: entry.expires_at.saturating_duration_since(now),
            });
        }
        let expires_at = expiry(now, ttl);
        self.entries.insert(
            full_key,
            Entry {
                value: b"1".to_vec(),
                expires_at,
            },
        );
        Ok(Counter {
            value: 1,
            ttl: expires_at.saturating_duration_since(now),
        })
    }

    fn get_or_lock(
        &mut self,
        key: &str,
        lock: String,
        owner: &[u8],
        ttl: Duration,
        now: Instant,
    ) -> GetOrLock {
        if let Some(entry) = self.live(key, now) {
            return GetOrLock::Found(entry.value.clone());
        }
        if self.live(&lock, now).is_some() {
            return GetOrLock::Busy;
        }
        self.entries.insert(
            lock,
            Entry {
                value: owner.to_vec(),
                expires_at: expiry(now, ttl),
            },
        );
        GetOrLock::Locked
    }

    /// One write of [`Cache::apply`], at `key` (the write's key with the prefix).
    fn write(&mut self, key: String, write: &Write, now: Instant) {
        match write {
            Write::Set { value, ttl, .. } => {
                self.entries.insert(
                    key,
                    Entry {
                        value: value.clone(),
                        expires_at: expiry(now, *ttl),
                    },
                );
            }
            Write::Delete { .. } => {
                self.entries.remove(&key);
            }
            Write::Hold { ttl, .. } => {
                let holders = self.live(&key, now).map_or(0, |e| count(&e.value));
                self.entries.insert(
                    key,
                    Entry {
                        value: (holders + 1).to_string().into_bytes(),
                        expires_at: expiry(now, *ttl),
                    },
                );
            }
            Write::Touch { ttl, .. } => {
                if let Some(entry) = self.live(&key, now) {
                    entry.expires_at = expiry(now, *ttl);
                }
            }
            Write::Release { .. } => match self.live(&key, now) {
                Some(entry) if count(&entry.value) > 1 => {
                    entry.value = (count(&entry.value) - 1).to_string().into_bytes();
                }
                _ => {
                    self.entries.remove(&key);
                }
            },
        }
    }

    fn wrote(&mut self, now: Instant) {
        self.writes_since_sweep += 1;
        if self.writes_since_sweep >= SWEEP_EVERY {
            self.writes_since_sweep = 0;
            self.entries.retain(|_, e| e.expires_at > now);
        }
    }
}

#[derive(Debug, Clone)]
pub struct MemoryCache {
    store: Arc<Mutex<Store>>,
    prefix: String,
}

impl MemoryCache {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            store: Arc::default(),
            prefix: prefix.into(),
        }
    }

    /// Another view of the same store under another prefix.
    pub fn scoped(&self, prefix: impl Into<String>) -> Self {
        Self {
            store: self.store.clone(),
            prefix: prefix.into(),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the map half-written (each operation is
        // one insert or remove), so a poisoned lock is safe to keep using.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A holder counter's value; anything else counts as no holder.
fn count(value: &[u8]) -> i64 {
    std::str::from_utf8(value)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn expiry(now: Instant, ttl: Duration) -> Instant {
    now + Duration::from_millis(ttl_millis(ttl))
}

#[async_trait]
impl Cache for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let key = self.key(key);
        let mut store = self.lock();
        Ok(store.live(&key, Instant::now()).map(|e| e.value.clone()))
    }

    async fn set(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), CacheError> {
        let key = self.key(key);
        let now = Instant::now();
        let mut store = self.lock();
        store.entries.insert(
            key,
            Entry {
                value: value.to_vec(),
                expires_at: expiry(now, ttl),
            },
        );
        store.wrote(now);
        Ok(())
    }

    async fn set_if_absent(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let key = self.key(key);
        let now = Instant::now();
        let mut store = self.lock();
        if store.live(&key, now).is_some() {
            return Ok(false);
        }
        store.entries.insert(
            key,
            Entry {
                value: value.to_vec(),
                expires_at: expiry(now, ttl),
            },
        );
        store.wrote(now);
        Ok(true)
    }

    async fn incr(&self, key: &str, ttl: Duration) -> Result<Counter, CacheError> {
        let now = Instant::now();
        let mut store = self.lock();
        let counter = store.incr(self.key(key), key, ttl, now)?;
        store.wrote(now);
        Ok(counter)
    }

    async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let key = self.key(key);
        let now = Instant::now();
        let mut store = self.lock();
        let existed = store.live(&key, now).is_some();
        store.entries.remove(&key);
        Ok(existed)
    }

    async fn delete_if_equals(&self, key: &str, expected: &[u8]) -> Result<bool, CacheError> {
        let key = self.key(key);
        let now = Instant::now();
        let mut store = self.lock();
        let matches = store
            .live(&key, now)
            .is_some_and(|entry| entry.value == expected);
        if matches {
            store.entries.remove(&key);
        }
        Ok(matches)
    }

    async fn get_or_lock(
        &self,
        key: &str,
        lock: &str,
        owner: &[u8],
        ttl: Duration,
    ) -> Result<GetOrLock, CacheError> {
        let now = Instant::now();
        let mut store = self.lock();
        let answer = store.get_or_lock(&self.key(key), self.key(lock), owner, ttl, now);
        store.wrote(now);
        Ok(answer)
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, CacheError> {
        let now = Instant::now();
        let mut store = self.lock();
        Ok(keys
            .iter()
            .map(|key| store.live(&self.key(key), now).map(|e| e.value.clone()))
            .collect())
    }

    async fn set_if_unchanged(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
        guards: &[Guard],
    ) -> Result<bool, CacheError> {
        let now = Instant::now();
        let mut store = self.lock();
        for guard in guards {
            let current = store.live(&self.key(&guard.key), now).map(|e| &e.value);
            if current != guard.holds.as_ref() {
                return Ok(false);
            }
        }
        store.entries.insert(
            self.key(key),
            Entry {
                value: value.to_vec(),
                expires_at: expiry(now, ttl),
            },
        );
        store.wrote(now);
        Ok(true)
    }

    async fn apply(&self, writes: &[Write]) -> Result<(), CacheError> {
        let now = Instant::now();
        let mut store = self.lock();
        for write in writes {
            store.write(self.key(write.key()), write, now);
        }
        store.wrote(now);
        Ok(())
    }

    async fn run(&self, steps: &[Step]) -> Result<Vec<Reply>, CacheError> {
        let now = Instant::now();
        let mut store = self.lock();
        let mut replies = Vec::with_capacity(steps.len());
        for step in steps {
            match step {
                Step::Count { key, window, limit } => {
                    let counter = store.incr(self.key(key), key, *window, now)?;
                    replies.push(Reply::Counted(counter));
                    if counter.value > *limit {
                        break;
                    }
                }
                Step::Get { key } => {
                    let value = store.live(&self.key(key), now).map(|e| e.value.clone());
                    replies.push(Reply::Value(value));
                }
                Step::GetOrLock {
                    key,
                    lock,
                    owner,
                    ttl,
                } => {
                    let answer =
                        store.get_or_lock(&self.key(key), self.key(lock), owner, *ttl, now);
                    replies.push(Reply::Lock(answer));
                }
                Step::Write(write) => {
                    store.write(self.key(write.key()), write, now);
                    replies.push(Reply::Written);
                }
            }
        }
        store.wrote(now);
        Ok(replies)
    }

    /// One process's memory: a command run beside the server cannot reach it.
    fn shared(&self) -> bool {
        false
    }

    async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError> {
        let key = self.key(key);
        let now = Instant::now();
        let mut store = self.lock();
        Ok(store
            .live(&key, now)
            .map(|e| e.expires_at.saturating_duration_since(now)))
    }

    async fn ping(&self) -> Result<(), CacheError> {
        drop(self.lock());
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "memory"
    }
}
