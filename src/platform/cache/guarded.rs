//! Cached copies of database rows that a change cannot leave stale (cache-aside with guards).
//!
//! Each copy depends on one or more *scopes* (a user's own rows; every policy at once). A scope
//! has two keys: a version (a random token, new at every change) and a hold (how many changes
//! are writing now). The protocol:
//!
//! - **Read**: the copy, and each scope's version and hold, in the same round trip as whatever
//!   else the request reads (the session). A copy is used only when no scope is held and the
//!   versions it was made under are the current ones.
//! - **Fill** (after a miss, from the database): stored only if, atomically, every scope still
//!   has the version the reader saw and no hold ([`Cache::set_if_unchanged`]). A change that
//!   began after the read, even one already finished, refuses the fill.
//! - **Change**: before the write, one atomic step takes a hold, sets a new version and deletes
//!   the copies the change names; a cache that cannot be reached refuses the change (nothing is
//!   written). After the write (committed or not), the hold is released. Nothing read while the
//!   hold lasts is stored, so no copy can be made from rows read before the commit; if the
//!   release is lost, the hold runs out by itself (its TTL is longer than any write may last)
//!   and the cache is only unused meanwhile, never wrong.
//!
//! Only a cache shared by every process is used: an in-process cache cannot see a change made
//! by another process (a command run beside the server), so with one nothing is cached.

use std::future::Future;
use std::time::Duration;

use super::{Cache, CacheError, Guard, Write};
use crate::platform::crypto::random_token;

/// Versions outlive every copy by far, so an expired version can never make an old copy current.
const VERSION_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// A set of rows that copies depend on and that changes name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    version: String,
    hold: String,
}

impl Scope {
    pub fn new(name: &str) -> Self {
        Self {
            version: format!("{name}:v"),
            hold: format!("{name}:h"),
        }
    }
}

/// One cached copy: its key, the scopes it depends on and how long it is kept.
#[derive(Debug, Clone)]
pub struct GuardedCopy {
    key: String,
    scopes: Vec<Scope>,
    ttl: Duration,
}

/// What a reader found: the copy if it is current, and the versions a fill must still see
/// (none while a scope is held: nothing may be stored then).
#[derive(Debug)]
pub struct Found {
    current: Option<Vec<u8>>,
    versions: Option<Vec<Option<Vec<u8>>>>,
}

impl GuardedCopy {
    pub fn new(key: String, scopes: Vec<Scope>, ttl: Duration) -> Self {
        Self { key, scopes, ttl }
    }

    /// The keys to read, in the order [`GuardedCopy::found`] expects their values.
    pub fn keys(&self) -> Vec<String> {
        let mut keys = Vec::with_capacity(1 + 2 * self.scopes.len());
        keys.push(self.key.clone());
        for scope in &self.scopes {
            keys.push(scope.version.clone());
            keys.push(scope.hold.clone());
        }
        keys
    }

    /// Reads the values of [`GuardedCopy::keys`].
    pub fn found(&self, values: Vec<Option<Vec<u8>>>) -> Found {
        let held = values.len() != 1 + 2 * self.scopes.len()
            || values.iter().skip(2).step_by(2).any(Option::is_some);
        if held {
            return Found {
                current: None,
                versions: None,
            };
        }
        // The copy, then each scope's version and hold.
        let mut values = values.into_iter();
        let stored = values.next().flatten();
        let versions: Vec<Option<Vec<u8>>> = values.step_by(2).collect();
        let stamp = stamp(&versions);
        let current = stored.and_then(|bytes| {
            let (made_under, body) = split(&bytes)?;
            (made_under == stamp.as_slice()).then(|| body.to_vec())
        });
        Found {
            current,
            versions: Some(versions),
        }
    }
}

impl Found {
    /// The copy, when it can be used.
    pub fn current(&self) -> Option<&[u8]> {
        self.current.as_deref()
    }

    /// Stores `body` as the copy unless a change began since the read (or was under way then).
    /// True when it was stored.
    pub async fn fill(
        &self,
        cache: &dyn Cache,
        copy: &GuardedCopy,
        body: &[u8],
    ) -> Result<bool, CacheError> {
        let Some(versions) = &self.versions else {
            return Ok(false);
        };
        if !cache.shared() {
            return Ok(false);
        }
        let mut guards = Vec::with_capacity(2 * copy.scopes.len());
        for (scope, version) in copy.scopes.iter().zip(versions) {
            guards.push(Guard {
                key: scope.version.clone(),
                holds: version.clone(),
            });
            guards.push(Guard {
                key: scope.hold.clone(),
                holds: None,
            });
        }
        let mut value = stamp(versions);
        value.push(b'\n');
        value.extend_from_slice(body);
        cache
            .set_if_unchanged(&copy.key, &value, copy.ttl, &guards)
            .await
    }

    /// [`Found::fill`] for a reader that has its answer already: a copy not stored only costs
    /// the next reader a database read, so a failure is logged rather than returned.
    pub async fn keep(&self, cache: &dyn Cache, copy: &GuardedCopy, body: &[u8]) {
        if let Err(error) = self.fill(cache, copy, body).await {
            tracing::warn!(%error, "a cached copy was not stored");
        }
    }
}

/// The versions a copy was made under: each scope's, `-` for none yet.
fn stamp(versions: &[Option<Vec<u8>>]) -> Vec<u8> {
    let mut stamp = Vec::new();
    for version in versions {
        if !stamp.is_empty() {
            stamp.push(b'|');
        }
        match version {
            Some(version) => stamp.extend_from_slice(version),
            None => stamp.push(b'-'),
        }
    }
    stamp
}

fn split(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = bytes.iter().position(|b| *b == b'\n')?;
    Some((&bytes[..at], &bytes[at + 1..]))
}

/// A change under way: its scopes are held until [`Change::end`].
#[derive(Debug)]
#[must_use = "a change holds its scopes until it ends"]
pub struct Change<'a> {
    cache: &'a dyn Cache,
    scopes: Vec<Scope>,
    hold: Duration,
    active: bool,
}

/// Begins a change of `scopes`: takes a hold on each for at most `hold`, sets a new version of
/// each and deletes the copies named, in one atomic step. An error means nothing may be written.
pub async fn begin<'a>(
    cache: &'a dyn Cache,
    scopes: &[Scope],
    drop_copies: &[&str],
    hold: Duration,
) -> Result<Change<'a>, CacheError> {
    let active = cache.shared();
    if active {
        let mut writes = Vec::with_capacity(2 * scopes.len() + drop_copies.len());
        for scope in scopes {
            writes.push(Write::Hold {
                key: scope.hold.clone(),
                ttl: hold,
            });
            writes.push(Write::Set {
                key: scope.version.clone(),
                value: random_token().into_bytes(),
                ttl: VERSION_TTL,
            });
        }
        writes.extend(drop_copies.iter().map(|key| Write::Delete {
            key: (*key).to_owned(),
        }));
        cache.apply(&writes).await?;
    }
    Ok(Change {
        cache,
        scopes: scopes.to_vec(),
        hold,
        active,
    })
}

impl Change<'_> {
    /// Keeps the hold for another full period (a long write, such as an import, calls this as
    /// it goes). An error means the write must stop: its hold may run out before it commits.
    pub async fn extend(&self) -> Result<(), CacheError> {
        if !self.active {
            return Ok(());
        }
        let mut writes = Vec::with_capacity(2 * self.scopes.len());
        for scope in &self.scopes {
            writes.push(Write::Hold {
                key: scope.hold.clone(),
                ttl: self.hold,
            });
            writes.push(Write::Release {
                key: scope.hold.clone(),
            });
        }
        self.cache.apply(&writes).await
    }

    /// Releases the hold (the write committed or failed). A lost release only leaves the cache
    /// unused until the hold runs out.
    pub async fn end(self) {
        if !self.active {
            return;
        }
        let release: Vec<Write> = self
            .scopes
            .iter()
            .map(|scope| Write::Release {
                key: scope.hold.clone(),
            })
            .collect();
        if let Err(error) = self.cache.apply(&release).await {
            tracing::warn!(%error, "a cache hold was not released; it runs out by itself");
        }
    }
}

/// Runs `write` as a change of `scopes` (see [`begin`]).
pub async fn changing<T, E: From<CacheError>>(
    cache: &dyn Cache,
    scopes: &[Scope],
    drop_copies: &[&str],
    hold: Duration,
    write: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let change = begin(cache, scopes, drop_copies, hold).await?;
    let result = write.await;
    change.end().await;
    result
}
