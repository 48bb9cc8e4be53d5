//! The bodies of the conversation's later steps: offers and answers to the insured (a refused
//! change, an objection, a courier request), the surgery date, the opinion's explanation and
//! treatment abroad; each with the action its path names becomes a domain [`Command`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::into_command::{IntoCommand, NOTE};
use crate::cases::actions::{AbroadStep, Action, Command, ExplanationStep};
use crate::cases::courier::CourierReply;
use crate::cases::offers::OfferOption;
use crate::plans::OfferKind;
use crate::platform::error::ApiError;

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
