//! What the background jobs and the specialists' alerts watch: appointments coming up, cases
//! waiting for materials, drafts about to expire, promises about to fall due. Reads only; the
//! queries are `store::watch`.

use chrono::{DateTime, Utc};

use super::store::{Case, watch};
use crate::platform::error::Fault;
use crate::state::AppState;

pub use super::store::watch::Awaiting;

/// Scheduled cases whose appointment is in `(from, to]`.
pub async fn scheduled_between(
    state: &AppState,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Case>, Fault> {
    Ok(watch::scheduled_between(&state.db, from, to).await?)
}

/// Drafts whose expiry is in `(from, to]`.
pub async fn drafts_expiring_between(
    state: &AppState,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Case>, Fault> {
    Ok(watch::drafts_expiring_between(&state.db, from, to).await?)
}

/// Cases whose open offer lapses in `(from, to]`.
pub async fn offers_lapsing_between(
    state: &AppState,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Case>, Fault> {
    Ok(watch::offers_lapsing_between(&state.db, from, to).await?)
}

/// Cases waiting for the materials a specialist asked for.
pub async fn awaiting_materials(state: &AppState) -> Result<Vec<Awaiting>, Fault> {
    Ok(watch::awaiting_materials(&state.db).await?)
}

/// Open cases of the scope with a promise falling due by `until`, at most `limit`.
pub async fn due_by(
    state: &AppState,
    insurer_id: Option<i64>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Case>, Fault> {
    Ok(watch::due_by(&state.db, insurer_id, until, limit).await?)
}
