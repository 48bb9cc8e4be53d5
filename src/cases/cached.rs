//! The case page from the cache: what a case page is made from ([`Detail`]: the case, its
//! policy's public id, its timeline) kept as a guarded copy ([`crate::platform::cache::guarded`]) under the
//! case's own scope, read in the same round trip as the session. The view is still made at each
//! request (what may be cancelled depends on the time, the plan and the calendar). Every change
//! of a case goes through [`changing`] (the one transition path, `store::apply`, is only called
//! inside it); a new case has no copy to drop. The copy is sealed (AES-256-GCM): a case page
//! carries health data, which stays unreadable in the cache.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::store::detail::Detail;
use super::store::{self, Actor, Case, StoreError, Transition};
use crate::calendar::Calendar;
use crate::plans::Service;
use crate::platform::cache::guarded::{self, GuardedCopy, Scope};
use crate::platform::cache::{Cache, CacheError};
use crate::platform::crypto::Crypto;
use crate::state::AppState;

/// How long a copy is kept without being read again into the database.
const COPY_TTL: Duration = Duration::from_secs(3600);
/// Longer than any change of a case may take (one bounded transaction).
const HOLD: Duration = Duration::from_secs(120);

fn scope(case: Uuid) -> Scope {
    Scope::new(&format!("case:{case}"))
}

fn copy_key(case: Uuid) -> String {
    format!("case:{case}:copy")
}

fn aad(case: Uuid) -> String {
    format!("case-page|{case}")
}

/// The copy of case `case`'s page.
pub fn copy(case: Uuid) -> GuardedCopy {
    GuardedCopy::new(copy_key(case), vec![scope(case)], COPY_TTL)
}

/// The sealed copy of `detail`.
pub fn seal(crypto: &Crypto, detail: &Detail) -> Result<Vec<u8>, CacheError> {
    let key = copy_key(detail.case.public_id);
    let plain = serde_json::to_vec(detail).map_err(|e| CacheError::Decode {
        key: key.clone(),
        reason: e.to_string(),
    })?;
    crypto
        .seal(&plain, &aad(detail.case.public_id))
        .map_err(|e| CacheError::Decode {
            key,
            reason: e.to_string(),
        })
}

/// What a sealed copy of case `case` holds; none when it cannot be opened or read (the page is
/// then read from the database).
pub fn open(crypto: &Crypto, case: Uuid, sealed: &[u8]) -> Option<Detail> {
    let plain = crypto.open(sealed, &aad(case)).ok()?;
    serde_json::from_slice::<Detail>(&plain)
        .ok()
        .filter(|detail| detail.case.public_id == case)
}

/// Runs `write`, a change of case `case`, so that its next page shows it.
pub async fn changing<T, E: From<CacheError>>(
    cache: &dyn Cache,
    case: Uuid,
    write: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    guarded::changing(cache, &[scope(case)], &[&copy_key(case)], HOLD, write).await
}

/// Applies a transition to `case` (see `store::apply`) as a change of the case: the one way a
/// case changes after it is made.
#[allow(clippy::too_many_arguments)] // store::apply's, with the state for the cache
pub async fn apply(
    state: &AppState,
    calendar: &Calendar,
    service: &Service,
    case: &Case,
    expected_version: i32,
    transition: Transition,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Case, StoreError> {
    // Boxed: the transaction's future is large, and every caller would carry it on its stack.
    changing(
        &*state.cache,
        case.public_id,
        Box::pin(store::write::apply(
            &state.db,
            calendar,
            service,
            case,
            expected_version,
            transition,
            actor,
            now,
        )),
    )
    .await
}
