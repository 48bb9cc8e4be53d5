//! The steps that leave a case's status as it is: most of the conversation (an offer, a
//! change request, a milestone, treatment abroad's progress) happens on an open case; an
//! objection, a complaint or a courier request may come after it ended too.

use crate::cases::error::CaseError;
use crate::cases::lifecycle::{InvalidTransition, QuotaEffect, Step};
use crate::cases::service::status_of;
use crate::cases::store::Case;

/// A change that leaves the status as it is, allowed on any open case.
pub(super) fn keep(case: &Case, action: &'static str) -> Result<Step, CaseError> {
    let status = status_of(case);
    if !status.is_open() {
        return Err(InvalidTransition {
            from: status,
            action,
        }
        .into());
    }
    Ok(stay(case))
}

/// The case stays as it is, open or ended: only its timeline and what is beside it change.
pub(super) fn stay(case: &Case) -> Step {
    Step {
        to: status_of(case),
        quota: QuotaEffect::Keep,
    }
}

/// What the insured asked, for the timeline: the request's words, then theirs where given
/// (`更改就诊时间：周五上午有检查`).
pub(super) fn said(label: &str, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("{label}：{note}"),
        None => label.to_owned(),
    }
}
