//! Abuse limits on real time, counted in the cache (so they hold across instances): a fixed
//! window per key. A cache outage fails closed here: the callers (login, refresh, phone) are
//! exactly the flows an attacker would hammer while the limits are blind.

use std::time::Duration;

use serde_json::{Value, json};

use crate::platform::cache::{Cache, CacheError, Counter, Reply, Step};
use crate::platform::error::{AreaError, Fault, Kind};

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Limited {
    #[error("操作过于频繁，请稍后再试")]
    RateLimited { retry_after: u64 },
    #[error(transparent)]
    Fault(#[from] Fault),
}

impl From<CacheError> for Limited {
    fn from(error: CacheError) -> Self {
        Self::Fault(error.into())
    }
}

impl AreaError for Limited {
    fn kind(&self) -> Kind {
        match self {
            Self::RateLimited { .. } => Kind::TooManyRequests,
            Self::Fault(_) => Kind::Internal,
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::RateLimited { retry_after } => json!({ "retry_after_secs": retry_after }),
            Self::Fault(_) => json!({}),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after } => Some(*retry_after),
            Self::Fault(_) => None,
        }
    }

    crate::platform::error::area_error_glue!(Fault);
}

/// Counts one attempt at `key`; 429 with `Retry-After` once `limit` is passed within `window`.
pub async fn check(
    cache: &dyn Cache,
    key: &str,
    limit: u32,
    window: Duration,
) -> Result<(), Limited> {
    Limit::new(key, limit, window).check(cache).await
}

fn counter_key(key: &str) -> String {
    format!("rl:{key}")
}

/// [`check`] as a step of a [`Cache::run`]: the steps after its count run only within it.
#[derive(Debug, Clone)]
pub struct Limit {
    step: Step,
    limit: u32,
}

impl Limit {
    pub fn new(key: &str, limit: u32, window: Duration) -> Self {
        Self {
            step: Step::Count {
                key: counter_key(key),
                window,
                limit: i64::from(limit),
            },
            limit,
        }
    }

    /// Counts one attempt on its own (see [`check`]).
    pub async fn check(&self, cache: &dyn Cache) -> Result<(), Limited> {
        self.after(cache.run(&[self.step()]).await?).map(drop)
    }

    /// The count, to put in a run before the steps it guards.
    pub fn step(&self) -> Step {
        self.step.clone()
    }

    /// The replies of a run after this limit's count, or what [`check`] answers when the count
    /// passed the limit.
    pub fn after(&self, replies: Vec<Reply>) -> Result<Vec<Reply>, Limited> {
        let mut replies = replies.into_iter();
        loop {
            match replies.next() {
                Some(Reply::Counted(counter)) => {
                    verdict(counter, self.limit)?;
                    return Ok(replies.collect());
                }
                Some(_) => {}
                None => {
                    return Err(CacheError::Unavailable(
                        "the cache answered a run without its count".to_owned(),
                    )
                    .into());
                }
            }
        }
    }
}

/// What [`check`] answers for a counter.
fn verdict(counter: Counter, limit: u32) -> Result<(), Limited> {
    if counter.value > i64::from(limit) {
        let retry_after = counter.ttl.as_secs() + u64::from(counter.ttl.subsec_nanos() > 0);
        return Err(Limited::RateLimited {
            retry_after: retry_after.max(1),
        });
    }
    Ok(())
}

pub const MINUTE: Duration = Duration::from_secs(60);
pub const HOUR: Duration = Duration::from_secs(3600);
