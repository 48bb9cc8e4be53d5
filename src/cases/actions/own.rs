//! What every step the insured takes on their own case shares: the case as of the version the
//! step was decided on, and the write through the one store transaction.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::cases::error::CaseError;
use crate::cases::service::own_case;
use crate::cases::store::{Actor, Case, Transition};
use crate::plans::Service;
use crate::state::AppState;

/// The insured's own case `case_id` (another user's reads as absent), refused as modified when
/// it is no longer at `version`.
pub(super) async fn own_at(
    state: &AppState,
    user_id: i64,
    case_id: Uuid,
    version: i32,
) -> Result<Case, CaseError> {
    let case = own_case(state, user_id, case_id).await?;
    if version != case.version {
        return Err(CaseError::CaseModified {
            current_version: Some(case.version),
        });
    }
    Ok(case)
}

/// Writes the insured's step on `case` (the case, its timeline, its outbox rows together).
pub(super) async fn write_own(
    state: &AppState,
    (case, service): (&Case, &Service),
    transition: Transition,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Case, CaseError> {
    Ok(crate::cases::cached::apply(
        state,
        &state.calendar.get(),
        service,
        case,
        case.version,
        transition,
        Actor::User(user_id),
        now,
    )
    .await?)
}
