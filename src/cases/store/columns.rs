//! A case's changes as columns: what a step decided ([`Change`]) mapped to the row's fields,
//! and the case as those fields leave it (what the promises are computed from).

use entity::service_case;
use sea_orm::ActiveValue::Set;
use sea_orm::DbErr;

use crate::cases::actions::{AbroadStep, Milestone};
use crate::cases::change::Change;

fn take<T: Clone + Into<sea_orm::Value>>(value: &sea_orm::ActiveValue<T>, current: T) -> T {
    match value {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.clone(),
        sea_orm::ActiveValue::NotSet => current,
    }
}

/// The case as it will be once `changes` are applied: what the promises are computed from.
pub(super) fn merged(
    case: &service_case::Model,
    changes: &service_case::ActiveModel,
) -> service_case::Model {
    let mut next = case.clone();
    next.applied_at = take(&changes.applied_at, case.applied_at);
    next.accepted_at = take(&changes.accepted_at, case.accepted_at);
    next.approved_at = take(&changes.approved_at, case.approved_at);
    next.materials_complete_at = take(&changes.materials_complete_at, case.materials_complete_at);
    next.admission_slip_date = take(&changes.admission_slip_date, case.admission_slip_date);
    next.hospital_accepted_on = take(&changes.hospital_accepted_on, case.hospital_accepted_on);
    next.visa_granted_on = take(&changes.visa_granted_on, case.visa_granted_on);
    next
}

/// The columns `changes` set (status, version and promises are the caller's).
pub(super) fn columns(changes: &[Change]) -> Result<service_case::ActiveModel, DbErr> {
    let mut c = service_case::ActiveModel::default();
    for change in changes {
        match change {
            Change::Assigned { staff_id } => c.assignee_id = Set(Some(*staff_id)),
            Change::FirstContact { at } => c.first_contacted_at = Set(Some(*at)),
            Change::Submitted {
                applied_at,
                accepted_at,
                at,
            } => {
                c.applied_at = Set(Some(*applied_at));
                c.accepted_at = Set(Some(*accepted_at));
                c.materials_complete_at = Set(Some(*at));
                c.draft_expires_at = Set(None);
                c.awaited_materials = Set(None);
                c.awaited_message = Set(None);
            }
            Change::MaterialsAsked {
                categories,
                message,
            } => {
                // Stored as a JSON list of codes (`attachments::materials::awaited` reads it).
                let codes: Vec<&str> = categories.iter().map(|m| m.code()).collect();
                let awaited = serde_json::to_string(&codes)
                    .map_err(|e| DbErr::Custom(format!("awaited materials: {e}")))?;
                c.awaited_materials = Set(Some(awaited));
                c.awaited_message = Set(Some(message.clone()));
                c.materials_complete_at = Set(None);
            }
            Change::Approved { at } => c.approved_at = Set(Some(*at)),
            Change::Scheduled(appointment) => {
                // A booking answers the insured's change request; a late notice was for the
                // visit it replaces.
                c.change_requested_at = Set(None);
                c.change_request_kind = Set(None);
                c.change_request_note = Set(None);
                c.late_notice_at = Set(None);
                c.appointment_at = Set(Some(appointment.at));
                c.appointment_hospital = Set(appointment.hospital.clone());
                c.appointment_department = Set(appointment.department.clone());
                c.appointment_expert_title = Set(appointment.expert_title.clone());
                c.appointment_doctor = Set(appointment.doctor.clone());
                c.meeting_point = Set(appointment.meeting_point.clone());
                c.meeting_at = Set(appointment.meeting_at);
                c.escort_name = Set(appointment.escort.as_ref().map(|e| e.name.clone()));
                c.escort_phone = Set(appointment.escort.as_ref().map(|e| e.phone.clone()));
            }
            Change::Reached { milestone, on } => match milestone {
                Milestone::HospitalAccepted => c.hospital_accepted_on = Set(Some(*on)),
                Milestone::VisaGranted => c.visa_granted_on = Set(Some(*on)),
                Milestone::AdmissionSlip => {
                    c.admission_slip_date = Set(Some(*on));
                    c.has_admission_slip = Set(true);
                }
            },
            Change::Ended { outcome, counted } => {
                c.outcome_code = Set(Some(outcome.clone()));
                c.counted = Set(Some(*counted));
                c.offer_open_until = Set(None);
            }
            Change::OfferMade(offer) => {
                c.offer_open_until = Set(Some(offer.expires_at));
                c.last_offer_at = Set(Some(offer.made_at));
                // The offer answers the insured's change request.
                c.change_requested_at = Set(None);
                c.change_request_kind = Set(None);
                c.change_request_note = Set(None);
            }
            Change::OfferAnswered { .. } | Change::OfferLapsed { .. } => {
                c.offer_open_until = Set(None);
            }
            Change::Rescheduled { at, meeting_at } => {
                c.appointment_at = Set(Some(*at));
                c.meeting_at = Set(*meeting_at);
                c.late_notice_at = Set(None);
            }
            Change::ChangeRequested { kind, note, at } => {
                c.change_requested_at = Set(Some(*at));
                c.change_request_kind = Set(Some(kind.code().to_owned()));
                c.change_request_note = Set(note.clone());
            }
            Change::LateNotice { at } => c.late_notice_at = Set(Some(*at)),
            Change::ChangeRefused => {
                c.change_requested_at = Set(None);
                c.change_request_kind = Set(None);
                c.change_request_note = Set(None);
            }
            Change::Objected(objection) => c.last_objection_at = Set(Some(objection.at)),
            Change::SlipIssued(issuer) => {
                c.slip_hospital_id = Set(issuer.hospital_id.clone());
                c.slip_department_id = Set(issuer.department_id.clone());
            }
            Change::SurgeryDate { on } => c.surgery_on = Set(Some(*on)),
            Change::ExplanationArranged { at } => c.explanation_at = Set(Some(*at)),
            Change::Explained { at } => c.explained_at = Set(Some(*at)),
            Change::Abroad(step) => match step {
                AbroadStep::Hospital { country, hospital } => {
                    c.abroad_country = Set(Some(country.clone()));
                    c.abroad_hospital = Set(Some(hospital.clone()));
                }
                AbroadStep::Departed { on } => c.departed_on = Set(Some(*on)),
                AbroadStep::EscortHours { hours } => {
                    c.escort_hours_used = Set(Some(i32::try_from(*hours).unwrap_or(i32::MAX)));
                }
                AbroadStep::Returned { on } => c.returned_on = Set(Some(*on)),
            },
            Change::ObjectionAnswered { .. } | Change::CourierAnswered { .. } => {}
            Change::CourierRequested(request) => c.last_courier_at = Set(Some(request.at)),
        }
    }
    Ok(c)
}
