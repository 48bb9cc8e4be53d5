//! The register of applications refused at intake (`cases::intake` says what is kept): written
//! as a refusal is answered, read a week at a time by the insurer's report.

use chrono::{DateTime, Utc};

use super::intake::IntakeRefusal;
use crate::platform::error::Fault;
use crate::state::AppState;

/// Records `refusal` in the register; a failure is logged, never the caller's: the insured's
/// answer is the refusal itself.
pub async fn record(state: &AppState, refusal: IntakeRefusal) {
    if let Err(error) = super::store::intake::insert(&state.db, &refusal).await {
        tracing::warn!(%error, reason = refusal.reason.code(), "a refusal at intake was not registered");
    }
}

/// How many of `insurer_id`'s applications were refused in `[start, end)`, by product id,
/// service and reason.
pub async fn counts(
    state: &AppState,
    insurer_id: i64,
    range: (DateTime<Utc>, DateTime<Utc>),
) -> Result<super::store::intake::RefusalCounts, Fault> {
    Ok(super::store::intake::counts(&state.db, insurer_id, range).await?)
}
