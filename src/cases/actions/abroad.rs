//! Treatment abroad recorded step by step (seed 001 海外就医综合服务 二、服务流程): the hospital
//! chosen with the insured, the departure once the hospital accepted and the visa was granted,
//! the local escort hours within those the plan includes, the return. The completion that
//! follows (the report, the bills, the return) is checked with the other completions.

use super::command::AbroadStep;
use super::steps::keep;
use crate::cases::change::Change;
use crate::cases::error::CaseError;
use crate::cases::store::{Case, Transition};
use crate::plans::Service;

/// A step of treatment abroad in its order (seed 001 海外就医综合服务 二、服务流程): the hospital
/// chosen with the insured; the departure once the hospital accepted and the visa was granted;
/// local escort hours within those included; the return after the departure.
pub(super) fn step(
    case: &Case,
    service: &Service,
    step: AbroadStep,
) -> Result<Transition, CaseError> {
    let included = service
        .abroad_escort_hours
        .ok_or(CaseError::AbroadNotInPlan)?;
    let action = step.action();
    let step_kept = keep(case, action)?;
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let (step, note) = match step {
        AbroadStep::Hospital { country, hospital } => {
            let place = service
                .coverage
                .as_deref()
                .and_then(|list| crate::catalog::Catalog::get().place(list, &country))
                .ok_or(CaseError::AbroadCountryNotCovered)?;
            let note = format!("{}：{hospital}", place.name);
            (AbroadStep::Hospital { country, hospital }, note)
        }
        AbroadStep::Departed { on } => {
            let (Some(_), Some(accepted), Some(visa)) = (
                &case.abroad_hospital,
                case.hospital_accepted_on,
                case.visa_granted_on,
            ) else {
                return Err(CaseError::AbroadNotReady);
            };
            if on < accepted.max(visa) {
                return Err(CaseError::AbroadDateInvalid);
            }
            (AbroadStep::Departed { on }, format!("出发日期 {}", day(on)))
        }
        AbroadStep::EscortHours { hours } => {
            if case.departed_on.is_none() {
                return Err(CaseError::AbroadNotReady);
            }
            let used = case
                .escort_hours_used
                .and_then(|h| u32::try_from(h).ok())
                .unwrap_or(0);
            if used + hours > included {
                return Err(CaseError::EscortHoursExceeded { used, included });
            }
            let total = used + hours;
            (
                AbroadStep::EscortHours { hours: total },
                format!("当地陪诊 {hours} 小时（累计 {total}/{included} 小时）"),
            )
        }
        AbroadStep::Returned { on } => {
            let departed = case.departed_on.ok_or(CaseError::AbroadNotReady)?;
            if on < departed {
                return Err(CaseError::AbroadDateInvalid);
            }
            (AbroadStep::Returned { on }, format!("回国日期 {}", day(on)))
        }
    };
    Ok(Transition::new(action, step_kept)
        .note(Some(note))
        .change(Change::Abroad(step)))
}
