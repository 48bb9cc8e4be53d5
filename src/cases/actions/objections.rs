//! The insured's objections and complaints and a supervisor's answer, as steps on the case
//! (`cases::objections` says which may be raised when): recorded on the timeline through the
//! one store transaction, on open and on ended cases alike, the answer reaching the insured's
//! message centre.

use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use super::own::{own_at, write_own};
use super::steps::stay;
use crate::cases::change::Change;
use crate::cases::error::CaseError;
use crate::cases::objections::{NewObjection, ObjectionKind, text};
use crate::cases::service::{objections_of, plan_of, status_of};
use crate::cases::store::{Case, Transition};
use crate::outbox::kind::NotificationKind;
use crate::staff::access::CurrentStaff;
use crate::state::AppState;

/// The insured `user_id` objects to a decision on their case `case_id`, or complains about
/// the service, in `words`.
#[instrument(skip_all, fields(user_id, case = %case_id))]
pub async fn raise_objection(
    state: &AppState,
    user_id: i64,
    (case_id, version): (Uuid, i32),
    kind: ObjectionKind,
    words: &str,
) -> Result<Case, CaseError> {
    let body = text(words).ok_or(CaseError::ObjectionTextRequired)?;
    let now = state.clocks.business.now();
    let case = own_at(state, user_id, case_id, version).await?;
    if !kind.allowed(status_of(&case)) {
        return Err(CaseError::ObjectionNotAllowed {
            objection: kind == ObjectionKind::Objection,
        });
    }
    let pending = objections_of(state, &case)
        .await?
        .iter()
        .any(|o| o.kind == kind && o.is_open());
    if pending {
        return Err(CaseError::ObjectionPending);
    }
    let (_, service) = plan_of(state, &case)?;
    let action = match kind {
        ObjectionKind::Objection => "objection_raised",
        ObjectionKind::Complaint => "complaint_raised",
    };
    let transition = Transition::new(action, stay(&case))
        .reason(kind.code())
        .note(Some(body.clone()))
        .change(Change::Objected(NewObjection {
            public_id: Uuid::new_v4(),
            kind,
            body,
            raised_by: user_id,
            at: now,
        }));
    write_own(state, (&case, &service), transition, user_id, now).await
}

/// A supervisor's answer to the objection `objection` of `case`: the transition that records it
/// (refused when the case has no such objection, or it was answered).
pub(super) async fn answered(
    state: &AppState,
    staff: &CurrentStaff,
    case: &Case,
    (objection, answer): (Uuid, String),
    now: DateTime<Utc>,
) -> Result<Transition, CaseError> {
    let found = objections_of(state, case)
        .await?
        .into_iter()
        .find(|o| o.public_id == objection)
        .ok_or(CaseError::UnknownObjection)?;
    if !found.is_open() {
        return Err(CaseError::ObjectionAnswered);
    }
    Ok(Transition::new("objection_answered", stay(case))
        .reason(found.kind.code())
        .note(Some(answer.clone()))
        .notify(NotificationKind::ObjectionAnswered)
        .fact("objection_kind", Some(found.kind.short().to_owned()))
        .fact("answer", Some(answer.clone()))
        .change(Change::ObjectionAnswered {
            objection_id: found.id,
            answer,
            staff_id: staff.id(),
            at: now,
        }))
}
