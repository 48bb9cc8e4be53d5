//! The bodies of the staff case actions and how each, with the action its path names, becomes a
//! domain [`Command`] for `cases::actions::perform`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use crate::cases::actions::{
    AbroadStep, Action, ActionName, Appointment, Command, Escort, ExplanationStep, Milestone,
    Refusal, SlipIssuer,
};
use crate::cases::courier::CourierReply;
use crate::cases::offers::OfferOption;
use crate::http::{check_lengths, invalid_body};
use crate::plans::{EndReason, Material, OfferKind};
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

/// `offer`: 1–3 options of one kind for the insured to choose from — `expert`, `hospital`,
/// `institution` (where the plan uses them) or `time` (a new appointment time, for the
/// insured's consent: required on every option). An open offer is replaced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferBody {
    pub version: i32,
    pub kind: OfferKind,
    pub options: Vec<OfferOption>,
    /// A word to the insured with the options (up to 200 characters).
    #[schema(max_length = 200)]
    pub note: Option<String>,
}

impl IntoCommand for OfferBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        let mut lengths = vec![("note", self.note.as_deref(), 200)];
        for option in &self.options {
            lengths.push(("options.title", Some(option.title.as_str()), 64));
            lengths.push(("options.details", option.details.as_deref(), 200));
        }
        lengths
    }

    fn into_command(self) -> Command {
        let action = Action::Offer {
            kind: self.kind,
            options: self.options,
            note: self.note,
        };
        // The options are the timeline's note.
        Command::new(self.version, None, action)
    }
}

/// `refuse-change`: the insured's change request cannot be made; why, in words they can act on
/// (the visit stays as booked).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseChangeBody {
    pub version: i32,
    #[schema(max_length = 500)]
    pub message: String,
}

impl IntoCommand for RefuseChangeBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![("message", Some(&self.message), 500)]
    }

    fn into_command(self) -> Command {
        let action = Action::RefuseChange {
            message: self.message,
        };
        Command::new(self.version, None, action)
    }
}

/// `answer-objection` (supervisors and admins): the answer to the insured's objection or
/// complaint `objection_id` (from the case's `objections`), in words they can act on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerObjectionBody {
    pub version: i32,
    pub objection_id: uuid::Uuid,
    #[schema(max_length = 500)]
    pub answer: String,
}

impl IntoCommand for AnswerObjectionBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![("answer", Some(&self.answer), 500)]
    }

    fn into_command(self) -> Command {
        let action = Action::AnswerObjection {
            objection: self.objection_id,
            answer: self.answer,
        };
        Command::new(self.version, None, action)
    }
}

/// `surgery-date`: the surgery date agreed with the doctor (services that arrange surgery);
/// recorded again, the date the hospital moved it to (never a use). Not before today.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurgeryDateBody {
    pub version: i32,
    pub date: NaiveDate,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

impl IntoCommand for SurgeryDateBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![("note", self.note.as_deref(), NOTE)]
    }

    fn into_command(self) -> Command {
        Command::new(
            self.version,
            self.note,
            Action::SurgeryDate { on: self.date },
        )
    }
}

/// `explanation` (plan 5's international second opinion, once its report is on the case):
/// `at` arranges the explanation with the insured for that time (again: moves it; the insured
/// is told); `given: true` records it given (the case may then complete).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplanationBody {
    pub version: i32,
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub given: bool,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

impl IntoCommand for ExplanationBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![("note", self.note.as_deref(), NOTE)]
    }

    fn complete(&self) -> Result<(), ApiError> {
        match (self.at, self.given) {
            (Some(_), false) | (None, true) => Ok(()),
            _ => Err(crate::cases::error::CaseError::ExplanationFieldRequired.into()),
        }
    }

    fn into_command(self) -> Command {
        let step = match self.at {
            Some(at) if !self.given => ExplanationStep::Arranged { at },
            _ => ExplanationStep::Given,
        };
        Command::new(self.version, self.note, Action::Explanation(step))
    }
}

/// `courier`: the answer to the insured's courier request `request_id` (from the case's
/// `couriers`) — `carrier` and `waybill` for documents sent back, `directions` (how and where
/// to send originals) for the other.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourierReplyBody {
    pub version: i32,
    pub request_id: uuid::Uuid,
    #[schema(max_length = 32)]
    pub carrier: Option<String>,
    #[schema(max_length = 32)]
    pub waybill: Option<String>,
    #[schema(max_length = 500)]
    pub directions: Option<String>,
}

impl IntoCommand for CourierReplyBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![
            ("carrier", self.carrier.as_deref(), 32),
            ("waybill", self.waybill.as_deref(), 32),
            ("directions", self.directions.as_deref(), 500),
        ]
    }

    fn into_command(self) -> Command {
        let reply = CourierReply::typed(self.carrier, self.waybill, self.directions);
        let action = Action::Courier {
            request: self.request_id,
            reply,
        };
        Command::new(self.version, None, action)
    }
}

/// Which step of treatment abroad an `abroad` body records.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbroadStepName {
    Hospital,
    Departed,
    EscortHours,
    Returned,
}

/// `abroad` (treatment abroad, seed 001): one step at a time, in order — `hospital` (the
/// `country` code of the service's coverage and the `hospital` chosen with the insured),
/// `departed` (`date`: after the hospital's acceptance and the visa), `escort_hours` (`hours`
/// of local escort used now: the total stays within those included, 40), `returned` (`date`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbroadBody {
    pub version: i32,
    pub step: AbroadStepName,
    #[schema(max_length = 8)]
    pub country: Option<String>,
    #[schema(max_length = 128)]
    pub hospital: Option<String>,
    pub date: Option<NaiveDate>,
    #[schema(minimum = 1, maximum = 40)]
    pub hours: Option<u32>,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

impl AbroadBody {
    /// The step with the fields it takes; None where one is missing.
    fn step(&self) -> Option<AbroadStep> {
        Some(match self.step {
            AbroadStepName::Hospital => AbroadStep::Hospital {
                country: self.country.clone()?,
                hospital: self.hospital.clone()?,
            },
            AbroadStepName::Departed => AbroadStep::Departed { on: self.date? },
            AbroadStepName::EscortHours => AbroadStep::EscortHours { hours: self.hours? },
            AbroadStepName::Returned => AbroadStep::Returned { on: self.date? },
        })
    }
}

impl IntoCommand for AbroadBody {
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![
            ("country", self.country.as_deref(), 8),
            ("hospital", self.hospital.as_deref(), 128),
            ("note", self.note.as_deref(), NOTE),
        ]
    }

    fn complete(&self) -> Result<(), ApiError> {
        match self.step() {
            Some(_) => Ok(()),
            None => Err(crate::cases::error::CaseError::AbroadFieldRequired.into()),
        }
    }

    fn into_command(self) -> Command {
        // Checked by `complete`: a step without its fields records nothing (no hours).
        let step = self.step().unwrap_or(AbroadStep::EscortHours { hours: 0 });
        Command::new(self.version, self.note, Action::Abroad(step))
    }
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

/// A timeline note at most (the schemas say the same).
const NOTE: usize = 1000;

/// An action whose body is a [`ChangeBody`].
fn plain(action: Action, value: serde_json::Value) -> Result<Command, ApiError> {
    let ChangeBody { version, note } = body(value)?;
    check_lengths(&[("note", note.as_deref(), NOTE)])?;
    Ok(Command::new(version, note, action))
}

/// A body that, with the action its path names, makes a command.
trait IntoCommand: DeserializeOwned {
    /// Its text fields and their maximum lengths (as the schema states them).
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)>;

    /// A body whose fields depend on one another says what is missing here.
    fn complete(&self) -> Result<(), ApiError> {
        Ok(())
    }

    fn into_command(self) -> Command;
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
