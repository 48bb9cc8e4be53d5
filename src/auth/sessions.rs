//! Sessions live in the cache, so logout and revocation take effect at once on every instance.
//!
//! - `sess:{sid}` — the session (user, audience); checked on every authenticated request.
//! - `rt:{sha256(refresh token)}` — which session a refresh token belongs to. Only the hash is
//!   stored. A refresh token is used once: using it marks it (`rt:{hash}:used`, set-if-absent,
//!   so two concurrent uses cannot both win) and issues the next one in the same session.
//!   Presenting a used one again means it was copied: the whole session — every access and
//!   refresh token issued in it — is revoked.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::platform::cache::{Cache, CacheError, Write};
use crate::platform::crypto::{random_token, sha256_hex};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionRecord {
    pub user_id: i64,
    pub user_public_id: Uuid,
    pub audience: String,
    /// Unix seconds, real time.
    pub created_at: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("unknown or expired refresh token")]
    Invalid,
    #[error("a used refresh token was presented again; the session is revoked")]
    Reused,
    #[error("the session was logged out or revoked")]
    Revoked,
    #[error(transparent)]
    Cache(#[from] CacheError),
}

/// See [`Sessions::opening`].
#[derive(Debug)]
pub struct Opening {
    pub sid: String,
    pub refresh_token: String,
    pub writes: Vec<Write>,
}

#[derive(Debug)]
pub struct Sessions<'a> {
    cache: &'a dyn Cache,
    ttl: Duration,
}

fn session_key(sid: &str) -> String {
    format!("sess:{sid}")
}

fn refresh_key(token: &str) -> String {
    format!("rt:{}", sha256_hex(token))
}

impl<'a> Sessions<'a> {
    pub fn new(cache: &'a dyn Cache, ttl: Duration) -> Self {
        Self { cache, ttl }
    }

    /// Opens a session; returns its id and its first refresh token.
    pub async fn create(&self, record: &SessionRecord) -> Result<(String, String), CacheError> {
        self.create_with(record, Vec::new()).await
    }

    /// Opens a session and makes `more` writes with it, all in one round trip.
    pub async fn create_with(
        &self,
        record: &SessionRecord,
        more: Vec<Write>,
    ) -> Result<(String, String), CacheError> {
        let opening = self.opening(record, more)?;
        self.cache.apply(&opening.writes).await?;
        Ok((opening.sid, opening.refresh_token))
    }

    /// A session about to open: its id, its first refresh token and the writes that open it
    /// (after `more`), for the caller to apply with its own steps.
    pub fn opening(&self, record: &SessionRecord, more: Vec<Write>) -> Result<Opening, CacheError> {
        let sid = Uuid::new_v4().simple().to_string();
        let refresh = random_token();
        let value = serde_json::to_vec(record).map_err(|e| CacheError::Decode {
            key: session_key(&sid),
            reason: e.to_string(),
        })?;
        let mut writes = more;
        writes.push(Write::Set {
            key: session_key(&sid),
            value,
            ttl: self.ttl,
        });
        writes.push(Write::Set {
            key: refresh_key(&refresh),
            value: sid.as_bytes().to_vec(),
            ttl: self.ttl,
        });
        Ok(Opening {
            sid,
            refresh_token: refresh,
            writes,
        })
    }

    async fn issue_refresh(&self, sid: &str) -> Result<String, CacheError> {
        let token = random_token();
        self.cache
            .set(&refresh_key(&token), sid.as_bytes(), self.ttl)
            .await?;
        Ok(token)
    }

    /// One cache lookup: what every authenticated request costs.
    pub async fn get(&self, sid: &str) -> Result<Option<SessionRecord>, CacheError> {
        self.cache.get_json(&session_key(sid)).await
    }

    /// The session and the values of `more` keys, in the same round trip.
    pub async fn get_with(
        &self,
        sid: &str,
        more: Vec<String>,
    ) -> Result<(Option<SessionRecord>, Vec<Option<Vec<u8>>>), CacheError> {
        let key = session_key(sid);
        let mut keys = Vec::with_capacity(1 + more.len());
        keys.push(key.clone());
        keys.extend(more);
        let mut values = self.cache.get_many(&keys).await?;
        if values.len() != keys.len() {
            return Err(CacheError::Unavailable(
                "the cache answered another number of keys than asked".to_owned(),
            ));
        }
        let record = match values.remove(0) {
            None => None,
            Some(bytes) => {
                Some(
                    serde_json::from_slice(&bytes).map_err(|e| CacheError::Decode {
                        key,
                        reason: e.to_string(),
                    })?,
                )
            }
        };
        Ok((record, values))
    }

    pub async fn revoke(&self, sid: &str) -> Result<(), CacheError> {
        self.cache.delete(&session_key(sid)).await?;
        Ok(())
    }

    /// The session a refresh token belongs to, without using it.
    pub async fn session_of(&self, token: &str) -> Result<String, RefreshError> {
        self.cache
            .get(&refresh_key(token))
            .await?
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or(RefreshError::Invalid)
    }

    /// Uses a refresh token: the session it belongs to and the next refresh token.
    pub async fn rotate(
        &self,
        token: &str,
    ) -> Result<(String, SessionRecord, String), RefreshError> {
        let key = refresh_key(token);
        let sid = self.session_of(token).await?;
        let first_use = self
            .cache
            .set_if_absent(&format!("{key}:used"), b"1", self.ttl)
            .await?;
        if !first_use {
            self.revoke(&sid).await?;
            tracing::warn!("a used refresh token was presented again; session revoked");
            return Err(RefreshError::Reused);
        }
        let record = self.get(&sid).await?.ok_or(RefreshError::Revoked)?;
        if user_end::ended(self.cache, record.user_public_id).await? {
            self.revoke(&sid).await?;
            return Err(RefreshError::Revoked);
        }
        // Using the session keeps it alive for another full period.
        self.cache
            .set_json(&session_key(&sid), &record, self.ttl)
            .await?;
        let next = self.issue_refresh(&sid).await?;
        Ok((sid, record, next))
    }
}

/// Signed document addresses stop working when their reader logs out (issue 29 §4): each
/// reader (`u<id>`, `s<id>`) has a generation, part of the signature of every address signed for
/// them, moved on at each logout. Kept a day: an address lives minutes.
pub mod address_generation {
    use std::time::Duration;

    use crate::platform::cache::{Cache, CacheError};

    const KEPT: Duration = Duration::from_secs(86_400);

    fn key(reader: &str) -> String {
        format!("urlgen:{reader}")
    }

    /// The reader's current generation (0 until their first logout).
    pub async fn current(cache: &dyn Cache, reader: &str) -> Result<i64, CacheError> {
        Ok(cache
            .get(&key(reader))
            .await?
            .and_then(|v| String::from_utf8(v).ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Ends every address signed for the reader so far.
    pub async fn end(cache: &dyn Cache, reader: &str) -> Result<(), CacheError> {
        cache.incr(&key(reader), KEPT).await?;
        Ok(())
    }
}

/// Every session of a user ends at once when they delete their account: a marker read in the
/// same round trip as the session on each request, and before a refresh. Kept as long as a
/// session may live.
pub mod user_end {
    use std::time::Duration;

    use uuid::Uuid;

    use crate::platform::cache::{Cache, CacheError};

    /// The marker's key for the user with public id `user` (as the token's subject names it).
    pub fn key(user: &str) -> String {
        format!("uend:{user}")
    }

    /// Ends every session of `user`, for `ttl` (the longest a session lives).
    pub async fn end(cache: &dyn Cache, user: Uuid, ttl: Duration) -> Result<(), CacheError> {
        cache.set(&key(&user.to_string()), b"1", ttl).await
    }

    pub async fn ended(cache: &dyn Cache, user: Uuid) -> Result<bool, CacheError> {
        Ok(cache.get(&key(&user.to_string())).await?.is_some())
    }
}
