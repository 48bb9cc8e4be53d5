//! What an action's input must be before the case is read (bad input is refused before
//! anything is read or written), and an appointment's place as its service needs it.

use chrono::{DateTime, Utc};

use super::command::{
    AbroadStep, Action, Appointment, Escort, ExplanationStep, Milestone, SlipIssuer,
};
use crate::calendar::local_date;
use crate::cases::courier::CourierReply;
use crate::cases::error::CaseError;
use crate::cases::offers;
use crate::plans::Service;

pub(super) fn required(value: &str, max: usize, missing: CaseError) -> Result<String, CaseError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(missing);
    }
    Ok(value.to_owned())
}

/// An optional text of at most `max` characters (what its column holds).
fn optional(value: Option<String>, max: usize) -> Result<Option<String>, CaseError> {
    let value = value
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    match value {
        Some(text) if text.chars().count() > max => Err(CaseError::AppointmentFieldTooLong),
        other => Ok(other),
    }
}

/// A visit's place, as the service needs it: a hospital, a department and a meeting point for a
/// visit; none for a call (seed 004 电话医生: the physician calls back).
pub(super) fn placed(
    service: &Service,
    appointment: Appointment,
) -> Result<Appointment, CaseError> {
    if service.by_call {
        return Ok(Appointment {
            hospital: None,
            department: None,
            meeting_point: None,
            meeting_at: None,
            escort: None,
            ..appointment
        });
    }
    // Whoever goes with the insured is named (seed 001 陪诊 「为被保人预约就医陪同人员」).
    if service.escorted && appointment.escort.is_none() {
        return Err(CaseError::EscortRequired);
    }
    // … and they meet at a time of their own before the visit (seed 003 一4 「等候地点、时间」).
    if service.escorted && appointment.meeting_at.is_none() {
        return Err(CaseError::MeetingTimeRequired);
    }
    if appointment.hospital.is_none() {
        return Err(CaseError::HospitalRequired);
    }
    if appointment.department.is_none() {
        return Err(CaseError::DepartmentRequired);
    }
    if appointment.meeting_point.is_none() {
        return Err(CaseError::MeetingPointRequired);
    }
    Ok(appointment)
}

/// The escort as typed: both a name and a phone, or nobody (a blank one of them is refused).
fn escort(escort: Option<Escort>) -> Result<Option<Escort>, CaseError> {
    let Some(escort) = escort else {
        return Ok(None);
    };
    let (name, phone) = (escort.name.trim(), escort.phone.trim());
    match (name.is_empty(), phone.is_empty()) {
        (true, true) => return Ok(None),
        (false, false) => {}
        _ => return Err(CaseError::EscortRequired),
    }
    let card = crate::staff::card::StaffCard::parse(Some(name), Some(phone))
        .map_err(|_| CaseError::EscortInvalid)?;
    match (card.display_name, card.work_phone) {
        (Some(name), Some(phone)) => Ok(Some(Escort { name, phone })),
        _ => Err(CaseError::EscortRequired),
    }
}

/// Checks what can be checked without the case: bad input is refused before anything is read.
pub(super) fn checked(action: Action, now: DateTime<Utc>) -> Result<Action, CaseError> {
    Ok(match action {
        Action::RequestMaterials {
            categories,
            message,
        } => {
            if categories.is_empty() {
                return Err(CaseError::CategoriesRequired);
            }
            let message = required(&message, 500, CaseError::MessageRequired)?;
            Action::RequestMaterials {
                categories,
                message,
            }
        }
        Action::Schedule(appointment) => {
            if appointment.at <= now {
                return Err(CaseError::AppointmentInPast);
            }
            // The meeting leads to the visit (seed 003 一4): not after it, not past.
            if appointment
                .meeting_at
                .is_some_and(|meeting| meeting <= now || meeting > appointment.at)
            {
                return Err(CaseError::MeetingTimeInvalid);
            }
            // Whether the place is required depends on the service (a call has none): checked
            // once the case is read.
            Action::Schedule(Appointment {
                at: appointment.at,
                hospital: optional(appointment.hospital, 128)?,
                department: optional(appointment.department, 64)?,
                expert_title: optional(appointment.expert_title, 64)?,
                doctor: optional(appointment.doctor, 32)?,
                meeting_point: optional(appointment.meeting_point, 256)?,
                meeting_at: appointment.meeting_at,
                escort: escort(appointment.escort)?,
            })
        }
        Action::RecordMilestone {
            milestone,
            on,
            issuer,
        } => {
            if on > local_date(now) {
                return Err(CaseError::MilestoneInFuture);
            }
            let issuer = SlipIssuer {
                hospital_id: optional(issuer.hospital_id, 16)?,
                department_id: optional(issuer.department_id, 48)?,
            };
            if !issuer.is_empty() && milestone != Milestone::AdmissionSlip {
                return Err(CaseError::SlipIssuerNotAllowed);
            }
            let catalog = crate::catalog::Catalog::get();
            if issuer
                .hospital_id
                .as_deref()
                .is_some_and(|h| catalog.hospital(h).is_none())
                || issuer
                    .department_id
                    .as_deref()
                    .is_some_and(|d| catalog.department(d).is_none())
            {
                return Err(CaseError::UnknownSlipIssuer);
            }
            Action::RecordMilestone {
                milestone,
                on,
                issuer,
            }
        }
        Action::SurgeryDate { on } => {
            if on < local_date(now) {
                return Err(CaseError::SurgeryDateInPast);
            }
            Action::SurgeryDate { on }
        }
        Action::Courier { request, reply } => Action::Courier {
            request,
            reply: match reply {
                CourierReply::Shipped { carrier, waybill } => {
                    let (carrier, waybill) = (carrier.trim(), waybill.trim());
                    if carrier.is_empty()
                        || waybill.is_empty()
                        || carrier.chars().count() > 32
                        || waybill.chars().count() > 32
                    {
                        return Err(CaseError::CourierReplyInvalid);
                    }
                    CourierReply::Shipped {
                        carrier: carrier.to_owned(),
                        waybill: waybill.to_owned(),
                    }
                }
                CourierReply::Directions { text } => CourierReply::Directions {
                    text: required(&text, 500, CaseError::CourierReplyInvalid)?,
                },
            },
        },
        Action::Explanation(ExplanationStep::Arranged { at }) if at <= now => {
            return Err(CaseError::ExplanationInPast);
        }
        Action::Abroad(step) => Action::Abroad(match step {
            AbroadStep::Hospital { country, hospital } => {
                let country = country.trim().to_uppercase();
                let hospital = hospital.trim().to_owned();
                if country.is_empty() || hospital.is_empty() || hospital.chars().count() > 128 {
                    return Err(CaseError::AbroadFieldRequired);
                }
                AbroadStep::Hospital { country, hospital }
            }
            AbroadStep::EscortHours { hours } if hours == 0 || hours > 40 => {
                return Err(CaseError::AbroadFieldRequired);
            }
            AbroadStep::Departed { on } | AbroadStep::Returned { on } if on > local_date(now) => {
                return Err(CaseError::AbroadDateInvalid);
            }
            other => other,
        }),
        Action::RefuseChange { message } => Action::RefuseChange {
            message: required(&message, 500, CaseError::MessageRequired)?,
        },
        Action::AnswerObjection { objection, answer } => Action::AnswerObjection {
            objection,
            answer: crate::cases::objections::text(&answer).ok_or(CaseError::AnswerRequired)?,
        },
        Action::Offer {
            kind,
            options,
            note,
        } => {
            let (options, note) = offers::checked_options(kind, options, note, now)?;
            Action::Offer {
                kind,
                options,
                note,
            }
        }
        other => other,
    })
}
