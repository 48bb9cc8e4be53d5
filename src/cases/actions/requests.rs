//! What the insured asks of a booked visit, as typed steps through the same store transaction
//! as every other: a change (another time or hospital), judged by the plan's cancellation rule
//! as the seeds join them (seed 002 Q&A 「取消或更改即可」 before noon the day before; seed 000
//! 「申请成功后不允许改期、取消」), answered by the specialist with an offer or a new booking; and
//! a notice that they will be late (seed 002 (一)2.9(5): 无故迟到 forfeits the visit, so a late
//! arrival the specialist was told of does not count).

use tracing::instrument;
use uuid::Uuid;

use super::command::ChangeKind;
use super::own::{own_at, write_own};
use super::steps::{keep, said};
use crate::cases::cancellation::outcome;
use crate::cases::change::Change;
use crate::cases::error::CaseError;
use crate::cases::form::trimmed;
use crate::cases::lifecycle::Status;
use crate::cases::service::{plan_of, status_of};
use crate::cases::store::{Case, Transition};
use crate::state::AppState;

/// A change the insured asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRequest {
    pub kind: ChangeKind,
    /// In the insured's words (up to 200 characters).
    pub note: Option<String>,
    /// The insured accepts that, asked this late, the change counts as a use.
    pub accept_counted: bool,
}

/// The insured `user_id` asks to change the booked visit of their case `case_id`.
#[instrument(skip_all, fields(user_id, case = %case_id))]
pub async fn request_change(
    state: &AppState,
    user_id: i64,
    case_id: Uuid,
    version: i32,
    request: ChangeRequest,
) -> Result<Case, CaseError> {
    let now = state.clocks.business.now();
    let case = own_at(state, user_id, case_id, version).await?;
    let status = status_of(&case);
    if status != Status::Scheduled {
        return Err(crate::cases::lifecycle::InvalidTransition {
            from: status,
            action: "change_requested",
        }
        .into());
    }
    let (_, service) = plan_of(state, &case)?;
    let calendar = state.calendar.get();
    // The same rule, and the same words, as a cancellation.
    let decision = outcome(
        service.cancellation,
        status,
        now,
        case.appointment_at,
        &calendar,
    );
    if !decision.allowed {
        return Err(CaseError::ChangeNotAllowed {
            counted: decision.counted,
            hotline: service.hotline.clone(),
        });
    }
    if decision.counted && !request.accept_counted {
        return Err(CaseError::ChangeCounts);
    }
    let note = trimmed(&request.note);
    let words = said(request.kind.label(), note.as_deref());
    let transition = Transition::new("change_requested", keep(&case, "change_requested")?)
        .reason(if decision.counted {
            "late_change"
        } else {
            request.kind.code()
        })
        .note(Some(words))
        .change(Change::ChangeRequested {
            kind: request.kind,
            note,
            at: now,
        });
    write_own(state, (&case, &service), transition, user_id, now).await
}

/// The insured `user_id` tells the specialist, before the visit, that they will be late.
#[instrument(skip_all, fields(user_id, case = %case_id))]
pub async fn notify_late(
    state: &AppState,
    user_id: i64,
    case_id: Uuid,
    version: i32,
    minutes: Option<u32>,
) -> Result<Case, CaseError> {
    let now = state.clocks.business.now();
    let case = own_at(state, user_id, case_id, version).await?;
    if status_of(&case) != Status::Scheduled {
        return Err(crate::cases::lifecycle::InvalidTransition {
            from: status_of(&case),
            action: "late_notice",
        }
        .into());
    }
    if case.appointment_at.is_none_or(|at| at <= now) {
        return Err(CaseError::LateNoticeTooLate);
    }
    let (_, service) = plan_of(state, &case)?;
    let words = match minutes {
        Some(m) => format!("用户告知将迟到约{m}分钟"),
        None => "用户告知将迟到".to_owned(),
    };
    let transition = Transition::new("late_notice", keep(&case, "late_notice")?)
        .note(Some(words))
        .change(Change::LateNotice { at: now });
    write_own(state, (&case, &service), transition, user_id, now).await
}
