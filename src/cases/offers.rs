//! Offers: the specialist proposes one to three options of one kind — experts, hospitals (with
//! their department), institutions abroad, appointment times — and the insured accepts one or
//! declines (seed 002 Q&A, seed 003 二3, seed 004 二(二) and 四(三), seed 001). Where the plan
//! uses them and what a decline means is plan data (`Service::offer_rule`). An offer waits
//! until its expiry (two working days of the business clock: interpretation, the seeds give
//! none); a newer offer replaces an open one; ending the case withdraws it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::CaseError;
use crate::calendar::{Calendar, local_date, local_instant};
use crate::plans::{OfferKind, OnDecline, Service};

/// Working days an offer waits for the insured's answer.
pub const ANSWER_WORKING_DAYS: u32 = 2;
/// The most options an offer holds (seed 002 「2-3位」, seed 004 「3选1」).
pub const MAX_OPTIONS: usize = 3;

/// One option, as the specialist writes it and the insured reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfferOption {
    /// The expert's name and title, the hospital and department, the institution and its
    /// country, or what the time is for (up to 64 characters).
    #[schema(max_length = 64)]
    pub title: String,
    /// More the insured should know (up to 200 characters).
    #[schema(max_length = 200)]
    #[serde(default)]
    pub details: Option<String>,
    /// The appointment time proposed (required for a time, optional otherwise).
    #[serde(default)]
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub at: Option<DateTime<Utc>>,
}

/// An offer as a specialist makes it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOffer {
    pub public_id: Uuid,
    pub kind: OfferKind,
    pub options: Vec<OfferOption>,
    pub note: Option<String>,
    pub decline_ends: bool,
    pub made_by: i64,
    pub made_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Where a stored offer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    /// Waiting for the insured.
    Open,
    Accepted,
    Declined,
    /// Replaced by a newer offer, or the case ended.
    Withdrawn,
    /// Not answered in time.
    Expired,
}

impl OfferStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "等待您选择",
            Self::Accepted => "已选择",
            Self::Declined => "已拒绝",
            Self::Withdrawn => "已撤回",
            Self::Expired => "已过期",
        }
    }
}

/// A stored offer, as the domain reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub id: i64,
    pub public_id: Uuid,
    pub kind: OfferKind,
    pub options: Vec<OfferOption>,
    pub note: Option<String>,
    pub status: OfferStatus,
    pub chosen: Option<usize>,
    pub decline_ends: bool,
    pub made_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The insured's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The option at this index (0-based).
    Accept(usize),
    Decline,
}

fn text(value: &str, max: usize) -> Result<String, CaseError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(CaseError::OfferOptionInvalid);
    }
    Ok(value.to_owned())
}

/// Checks an offer of `kind` on `service` before anything is read: 1–3 options, each with a
/// title; a time for each option of a time offer, in the future; lengths.
pub fn checked_options(
    kind: OfferKind,
    options: Vec<OfferOption>,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(Vec<OfferOption>, Option<String>), CaseError> {
    if options.is_empty() || options.len() > MAX_OPTIONS {
        return Err(CaseError::OfferOptionsCount);
    }
    let options = options
        .into_iter()
        .map(|option| {
            let details = option
                .details
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| text(d, 200))
                .transpose()?;
            match (kind, option.at) {
                (OfferKind::Time, None) => return Err(CaseError::OfferTimeRequired),
                (_, Some(at)) if at <= now => return Err(CaseError::AppointmentInPast),
                _ => {}
            }
            Ok(OfferOption {
                title: text(&option.title, 64)?,
                details,
                at: option.at,
            })
        })
        .collect::<Result<Vec<_>, CaseError>>()?;
    let note = note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| text(n, 200))
        .transpose()?;
    Ok((options, note))
}

/// The offer a specialist makes of `kind` on `service` now, or why the service offers none.
pub fn make(
    service: &Service,
    calendar: &Calendar,
    kind: OfferKind,
    (options, note): (Vec<OfferOption>, Option<String>),
    made_by: i64,
    now: DateTime<Utc>,
) -> Result<NewOffer, CaseError> {
    let rule = service.offer_rule(kind).ok_or(CaseError::OfferNotInPlan)?;
    Ok(NewOffer {
        public_id: Uuid::new_v4(),
        kind,
        options,
        note,
        decline_ends: rule.on_decline == OnDecline::EndsNotCounted,
        made_by,
        made_at: now,
        expires_at: expiry(calendar, now),
    })
}

/// The end of the second working day after `now` (Shanghai): when an unanswered offer lapses.
pub fn expiry(calendar: &Calendar, now: DateTime<Utc>) -> DateTime<Utc> {
    let last = calendar
        .add_working_days_to_date(local_date(now), ANSWER_WORKING_DAYS)
        .value;
    let end = chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
    local_instant(last, end)
}

/// Whether `answer` is one `offer` can take.
pub fn check_answer(offer: &Offer, answer: Answer, now: DateTime<Utc>) -> Result<(), CaseError> {
    if offer.status != OfferStatus::Open || offer.expires_at <= now {
        return Err(CaseError::OfferClosed);
    }
    if let Answer::Accept(index) = answer
        && index >= offer.options.len()
    {
        return Err(CaseError::OfferChoiceInvalid);
    }
    Ok(())
}

/// What the insured sees of an offer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfferView {
    pub id: Uuid,
    pub kind: OfferKind,
    /// `专家`, `医院`, `海外医疗机构`, `就诊时间`.
    pub kind_label: &'static str,
    pub options: Vec<OfferOption>,
    pub note: Option<String>,
    pub status: OfferStatus,
    pub status_text: &'static str,
    /// The option chosen (0-based), once accepted.
    pub chosen: Option<usize>,
    /// What declining means, in words.
    pub decline_text: &'static str,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub made_at: DateTime<Utc>,
    /// Answer before this.
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub expires_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub answered_at: Option<DateTime<Utc>>,
}

impl OfferView {
    pub fn of(offer: &Offer) -> Self {
        Self {
            id: offer.public_id,
            kind: offer.kind,
            kind_label: offer.kind.label(),
            options: offer.options.clone(),
            note: offer.note.clone(),
            status: offer.status,
            status_text: offer.status.label(),
            chosen: offer.chosen,
            decline_text: if offer.decline_ends {
                "如您不同意所提供的方案，本次服务中止，不计为已使用服务"
            } else {
                "如您不同意，专员将与您联系另行安排"
            },
            made_at: offer.made_at,
            expires_at: offer.expires_at,
            answered_at: offer.answered_at,
        }
    }
}
