//! Abuse limits on real time, counted in the cache (so they hold across instances): a fixed
//! window per key. A cache outage fails closed here: the callers (login, refresh, phone) are
//! exactly the flows an attacker would hammer while the limits are blind.

use std::time::Duration;

use serde_json::json;

use crate::cache::Cache;
use crate::error::{ApiError, Kind};

pub const RATE_LIMITED: &str = "rate_limited";

/// Counts one attempt at `key`; 429 with `Retry-After` once `limit` is passed within `window`.
pub async fn check(
    cache: &dyn Cache,
    key: &str,
    limit: u32,
    window: Duration,
) -> Result<(), ApiError> {
    let counter = cache.incr(&format!("rl:{key}"), window).await?;
    if counter.value > i64::from(limit) {
        let retry_after = counter.ttl.as_secs() + u64::from(counter.ttl.subsec_nanos() > 0);
        return Err(ApiError::new(
            Kind::TooManyRequests,
            RATE_LIMITED,
            "操作过于频繁，请稍后再试",
        )
        .with_details(json!({ "retry_after_secs": retry_after.max(1) }))
        .retry_after(retry_after.max(1)));
    }
    Ok(())
}

pub const MINUTE: Duration = Duration::from_secs(60);
pub const HOUR: Duration = Duration::from_secs(3600);
