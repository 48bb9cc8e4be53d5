//! The bodies of the staff case actions and how each, with the action its path names, becomes a
//! domain [`Command`] for `cases::actions::perform`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use super::into_command::{IntoCommand, NOTE};
use super::step_bodies::{
    AbroadBody, AnswerObjectionBody, CourierReplyBody, ExplanationBody, OfferBody,
    RefuseChangeBody, SurgeryDateBody,
};
use crate::cases::actions::{
    Action, ActionName, Appointment, Command, Escort, Milestone, Refusal, SlipIssuer,
};
use crate::http::{check_lengths, invalid_body};
use crate::plans::{EndReason, Material};
use crate::platform::error::ApiError;

/// `claim`, `contact`, `approve`, `start`, `complete`, `no-show`, `cancel`: the version the
/// decision was made on (a stale one is a 409 `case_modified`) and a note for the timeline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    pub version: i32,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// `request-materials`: what to upload, and what to photograph in words the user can act on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialsBody {
    pub version: i32,
    /// `outpatient_record`, `discharge_summary`, `blood_test`, `ct`, `mri`,
    /// `pathology_report`, `admission_slip`, `second_opinion_forms`, `id_document`, `other`.
    #[schema(value_type = Vec<String>)]
    pub categories: Vec<Material>,
    #[schema(max_length = 500)]
    pub message: String,
}

/// `reject`: grounds the plan states.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    pub version: i32,
    pub reason: Refusal,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// `schedule`: the appointment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleBody {
    pub version: i32,
    pub at: DateTime<Utc>,
    /// Required for a visit; left out for a service by phone or video (the tele-doctor).
    #[schema(max_length = 128)]
    pub hospital: Option<String>,
    /// Required for a visit.
    #[schema(max_length = 64)]
    pub department: Option<String>,
    /// 主任医师, 副主任医师 …
    #[schema(max_length = 64)]
    pub expert_title: Option<String>,
    /// Where the escort, guide or specialist meets the insured (required for a visit).
    #[schema(max_length = 256)]
    pub meeting_point: Option<String>,
    /// When they meet: not after `at` (required where someone goes with the insured:
    /// `escorted` services).
    pub meeting_at: Option<DateTime<Utc>>,
    /// Who goes with the insured: name (up to 32 characters) and phone, both or neither
    /// (required for `escorted` services).
    #[schema(max_length = 32)]
    pub escort_name: Option<String>,
    #[schema(max_length = 32)]
    pub escort_phone: Option<String>,
    /// The doctor's name: only where the plan lets the insured name an expert.
    #[schema(max_length = 32)]
    pub doctor: Option<String>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// `terminate`: counted where the plan lists the reason (`late_arrival`, `no_indication`,
/// `infectious_disease_refusal`, `customer_reasons`, `discharged`, `cancelled`,
/// `late_cancellation`, `no_show`); never counted: `provider_failed_customer_declined`,
/// `expert_unavailable`, `materials_missing`, `hospital_refused` and `visa_refused` (these two
/// only on services waiting for the hospital abroad or the visa).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminateBody {
    pub version: i32,
    #[schema(value_type = String)]
    pub reason: EndReason,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// `reassign`: the new assignee's login (a specialist or supervisor who sees the insurer).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignBody {
    pub version: i32,
    #[schema(max_length = 64)]
    pub assignee: String,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// `milestone`: the date of a step the service's promise waits for — `hospital_accepted` and
/// `visa_granted` (overseas treatment: its 40 working days run from the last of these and
/// complete materials), `admission_slip` (a stay applied for before the slip existed: its
/// 10 working days run from the later of the approval and the slip's date). Not in the future.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneBody {
    pub version: i32,
    pub milestone: Milestone,
    pub date: NaiveDate,
    /// `admission_slip` only: the hospital that issued it (catalog id).
    #[schema(max_length = 16)]
    pub hospital_id: Option<String>,
    /// `admission_slip` only: the department that issued it (catalog id).
    #[schema(max_length = 48)]
    pub department_id: Option<String>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// The body each action takes (documentation: the action in the path decides which).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // read by the OpenAPI document only
pub enum ActionBody {
    Change(ChangeBody),
    Materials(MaterialsBody),
    Reject(RejectBody),
    Schedule(ScheduleBody),
    Terminate(TerminateBody),
    Reassign(ReassignBody),
    Milestone(MilestoneBody),
    Offer(OfferBody),
    RefuseChange(RefuseChangeBody),
    AnswerObjection(AnswerObjectionBody),
    SurgeryDate(SurgeryDateBody),
    Abroad(AbroadBody),
    Explanation(ExplanationBody),
    Courier(CourierReplyBody),
}

fn body<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| invalid_body(&e))
}

/// An action whose body is a [`ChangeBody`].
fn plain(action: Action, value: serde_json::Value) -> Result<Command, ApiError> {
    let ChangeBody { version, note } = body(value)?;
    check_lengths(&[("note", note.as_deref(), NOTE)])?;
    Ok(Command::new(version, note, action))
}

/// The body, its lengths checked, as a command.
fn checked<T: IntoCommand>(value: serde_json::Value) -> Result<Command, ApiError> {
    let parsed: T = body(value)?;
    check_lengths(&parsed.lengths())?;
    parsed.complete()?;
    Ok(parsed.into_command())
}

impl IntoCommand for MaterialsBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![("message", Some(&self.message), 500)]
    }

    fn into_command(self) -> Command {
        let action = Action::RequestMaterials {
            categories: self.categories,
            message: self.message,
        };
        // The message to the user is the timeline's note.
        Command::new(self.version, None, action)
    }
}

impl IntoCommand for RejectBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![("note", self.note.as_deref(), NOTE)]
    }

    fn into_command(self) -> Command {
        let action = Action::Reject {
            reason: self.reason,
        };
        Command::new(self.version, self.note, action)
    }
}

impl IntoCommand for ScheduleBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![
            ("hospital", self.hospital.as_deref(), 128),
            ("department", self.department.as_deref(), 64),
            ("expert_title", self.expert_title.as_deref(), 64),
            ("meeting_point", self.meeting_point.as_deref(), 256),
            ("escort_name", self.escort_name.as_deref(), 32),
            ("escort_phone", self.escort_phone.as_deref(), 32),
            ("doctor", self.doctor.as_deref(), 32),
            ("note", self.note.as_deref(), NOTE),
        ]
    }

    fn into_command(self) -> Command {
        let action = Action::Schedule(Appointment {
            at: self.at,
            hospital: self.hospital,
            department: self.department,
            expert_title: self.expert_title,
            meeting_point: self.meeting_point,
            meeting_at: self.meeting_at,
            escort: Escort::typed(self.escort_name, self.escort_phone),
            doctor: self.doctor,
        });
        Command::new(self.version, self.note, action)
    }
}

impl IntoCommand for TerminateBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![("note", self.note.as_deref(), NOTE)]
    }

    fn into_command(self) -> Command {
        let action = Action::Terminate {
            reason: self.reason,
        };
        Command::new(self.version, self.note, action)
    }
}

impl IntoCommand for ReassignBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![
            ("assignee", Some(&self.assignee), 64),
            ("note", self.note.as_deref(), NOTE),
        ]
    }

    fn into_command(self) -> Command {
        let action = Action::Reassign {
            assignee: self.assignee,
        };
        Command::new(self.version, self.note, action)
    }
}

impl IntoCommand for MilestoneBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![
            ("hospital_id", self.hospital_id.as_deref(), 16),
            ("department_id", self.department_id.as_deref(), 48),
            ("note", self.note.as_deref(), NOTE),
        ]
    }

    fn into_command(self) -> Command {
        let action = Action::RecordMilestone {
            milestone: self.milestone,
            on: self.date,
            issuer: SlipIssuer {
                hospital_id: self.hospital_id,
                department_id: self.department_id,
            },
        };
        Command::new(self.version, self.note, action)
    }
}

/// The command a request asks for: the path names the action, the body its particulars.
pub fn command(name: ActionName, value: serde_json::Value) -> Result<Command, ApiError> {
    Ok(match name {
        ActionName::Claim => plain(Action::Claim, value)?,
        ActionName::Contact => plain(Action::Contact, value)?,
        ActionName::Approve => plain(Action::Approve, value)?,
        ActionName::Start => plain(Action::Start, value)?,
        ActionName::Complete => plain(Action::Complete, value)?,
        ActionName::NoShow => plain(Action::NoShow, value)?,
        ActionName::Cancel => plain(Action::Cancel, value)?,
        ActionName::RequestMaterials => checked::<MaterialsBody>(value)?,
        ActionName::Reject => checked::<RejectBody>(value)?,
        ActionName::Schedule => checked::<ScheduleBody>(value)?,
        ActionName::Terminate => checked::<TerminateBody>(value)?,
        ActionName::Reassign => checked::<ReassignBody>(value)?,
        ActionName::Milestone => checked::<MilestoneBody>(value)?,
        ActionName::Offer => checked::<OfferBody>(value)?,
        ActionName::RefuseChange => checked::<RefuseChangeBody>(value)?,
        ActionName::AnswerObjection => checked::<AnswerObjectionBody>(value)?,
        ActionName::SurgeryDate => checked::<SurgeryDateBody>(value)?,
        ActionName::Abroad => checked::<AbroadBody>(value)?,
        ActionName::Explanation => checked::<ExplanationBody>(value)?,
        ActionName::Courier => checked::<CourierReplyBody>(value)?,
    })
}
