//! Objections and complaints (seed 002 (一)2.6 and (二)2.6 「若对于审核结果或者服务质量有异议，
//! 客户可以拨打该第三方的投诉热线」): the insured objects to a decision that ended their case or
//! complains about the service, in their own words, on the case; a supervisor answers on the
//! case, the answer reaches the insured's message centre, and the insurer's week counts both.
//!
//! Readings (to confirm with the insurer): a decision the insured may object to is any that
//! ended the case on the provider's judgement — a refusal, a termination, a no-show — not only
//! the review; a complaint may be made on any submitted case, open or closed, with no time limit;
//! one of each kind waits for its answer at a time (a second is refused until the first is
//! answered); the plan's complaint line stays open besides.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::lifecycle::Status;

/// The most characters an objection or an answer holds.
pub const MAX_TEXT: usize = 500;

/// What the insured disagrees with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionKind {
    /// The result of the review (or another decision that ended the case).
    Objection,
    /// The quality of the service.
    Complaint,
}

impl ObjectionKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Objection => "objection",
            Self::Complaint => "complaint",
        }
    }

    /// `对审核结果的异议`, `对服务质量的投诉`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Objection => "对审核结果的异议",
            Self::Complaint => "对服务质量的投诉",
        }
    }

    /// `异议`, `投诉`.
    pub fn short(self) -> &'static str {
        match self {
            Self::Objection => "异议",
            Self::Complaint => "投诉",
        }
    }

    /// Whether the insured may raise one on a case in `status`.
    pub fn allowed(self, status: Status) -> bool {
        match self {
            Self::Objection => matches!(
                status,
                Status::Rejected | Status::Terminated | Status::NoShow
            ),
            Self::Complaint => !matches!(status, Status::Draft | Status::Expired),
        }
    }
}

/// An objection as the insured raises it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObjection {
    pub public_id: Uuid,
    pub kind: ObjectionKind,
    pub body: String,
    pub raised_by: i64,
    pub at: DateTime<Utc>,
}

/// A stored objection, as the domain reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objection {
    pub id: i64,
    pub public_id: Uuid,
    pub case_id: i64,
    pub kind: ObjectionKind,
    pub body: String,
    pub raised_at: DateTime<Utc>,
    pub answer: Option<String>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTime<Utc>>,
}

impl Objection {
    pub fn is_open(&self) -> bool {
        self.answered_at.is_none()
    }
}

/// An objection as the insured and the specialists read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ObjectionView {
    pub id: Uuid,
    pub kind: ObjectionKind,
    /// `对审核结果的异议`, `对服务质量的投诉`.
    pub label: &'static str,
    pub text: String,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub raised_at: DateTime<Utc>,
    /// The supervisor's answer; none: not answered yet.
    pub answer: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub answered_at: Option<DateTime<Utc>>,
    /// `待答复`, `已答复`.
    pub status_text: &'static str,
}

impl ObjectionView {
    pub fn of(objection: &Objection) -> Self {
        Self {
            id: objection.public_id,
            kind: objection.kind,
            label: objection.kind.label(),
            text: objection.body.clone(),
            raised_at: objection.raised_at,
            answer: objection.answer.clone(),
            answered_at: objection.answered_at,
            status_text: if objection.is_open() {
                "待答复"
            } else {
                "已答复"
            },
        }
    }
}

/// A text of 1 to [`MAX_TEXT`] characters, trimmed; None when empty or too long.
pub fn text(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty() && value.chars().count() <= MAX_TEXT).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_objection_follows_a_decision_a_complaint_any_submitted_case() {
        for status in Status::ALL {
            assert_eq!(
                ObjectionKind::Objection.allowed(*status),
                matches!(
                    status,
                    Status::Rejected | Status::Terminated | Status::NoShow
                ),
                "{status:?}"
            );
        }
        assert!(ObjectionKind::Complaint.allowed(Status::Scheduled));
        assert!(ObjectionKind::Complaint.allowed(Status::Completed));
        assert!(!ObjectionKind::Complaint.allowed(Status::Draft));
        assert!(!ObjectionKind::Complaint.allowed(Status::Expired));
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(text("  太慢了 ").as_deref(), Some("太慢了"));
        assert_eq!(text("   "), None);
        assert!(text(&"字".repeat(MAX_TEXT)).is_some());
        assert_eq!(text(&"字".repeat(MAX_TEXT + 1)), None);
    }
}
