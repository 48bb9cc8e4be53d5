//! The case lifecycle (ARCHITECTURE.md): `draft → submitted → in_review → needs_materials ⇄
//! submitted → approved | rejected → scheduled | in_progress → completed | no_show | cancelled |
//! terminated`, plus `expired` for a draft never submitted. A service whose flow starts with a
//! contact (plan 3, seed 002 "在医疗服务专员的指导下…上传照片") skips the draft: its case is
//! created `needs_materials`, in the specialists' queue from the application. Transitions are methods that return
//! the next status and what happens to the case's use of its quota; the store persists what the
//! domain decided.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    InReview,
    NeedsMaterials,
    Approved,
    Rejected,
    Scheduled,
    InProgress,
    Completed,
    NoShow,
    Cancelled,
    Terminated,
    Expired,
}

/// What a transition does to the case's reserved use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaEffect {
    /// Still reserved.
    Keep,
    /// Counted as used.
    Consume,
    /// Given back.
    Release,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from:?} case cannot be {action}")]
pub struct InvalidTransition {
    pub from: Status,
    pub action: &'static str,
}

/// A transition's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub to: Status,
    pub quota: QuotaEffect,
}

impl Status {
    pub const ALL: &[Status] = <Status as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The status a stored or sent text names; None for anything else (never a default).
    pub fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }

    /// Submitted and not closed: what the specialists work on.
    pub fn is_open(self) -> bool {
        !self.is_terminal() && self != Status::Draft
    }

    /// The open statuses, as stored.
    pub fn open() -> impl Iterator<Item = &'static str> {
        Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
    }

    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Rejected
                | Status::Completed
                | Status::NoShow
                | Status::Cancelled
                | Status::Terminated
                | Status::Expired
        )
    }

    /// Whether the case still holds a use of its quota.
    pub fn holds_a_use(self) -> bool {
        !matches!(self, Status::Rejected | Status::Expired)
    }

    fn step(
        self,
        allowed: &[Status],
        action: &'static str,
        step: Step,
    ) -> Result<Step, InvalidTransition> {
        if allowed.contains(&self) {
            Ok(step)
        } else {
            Err(InvalidTransition { from: self, action })
        }
    }

    /// The insured says the materials are complete.
    pub fn submit(self) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::Draft, Status::NeedsMaterials],
            "submitted",
            Step {
                to: Status::Submitted,
                quota: QuotaEffect::Keep,
            },
        )
    }

    /// A specialist takes the case: a submitted one goes into review; one awaiting the guided
    /// upload (a plan whose flow starts with a contact) is taken as it stands.
    pub fn claim(self) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::Submitted, Status::NeedsMaterials],
            "claimed",
            Step {
                to: match self {
                    Status::NeedsMaterials => Status::NeedsMaterials,
                    _ => Status::InReview,
                },
                quota: QuotaEffect::Keep,
            },
        )
    }

    /// Back to the insured for materials; on a case already awaiting them (the guided upload,
    /// or a second request), the list asked for is replaced.
    pub fn request_materials(self) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::InReview, Status::NeedsMaterials],
            "sent back for materials",
            Step {
                to: Status::NeedsMaterials,
                quota: QuotaEffect::Keep,
            },
        )
    }

    pub fn approve(self) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::InReview],
            "approved",
            Step {
                to: Status::Approved,
                quota: QuotaEffect::Keep,
            },
        )
    }

    /// Not eligible: the use goes back.
    pub fn reject(self) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::Submitted, Status::InReview, Status::NeedsMaterials],
            "rejected",
            Step {
                to: Status::Rejected,
                quota: QuotaEffect::Release,
            },
        )
    }

    pub fn schedule(self) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::Approved, Status::Scheduled],
            "scheduled",
            Step {
                to: Status::Scheduled,
                quota: QuotaEffect::Keep,
            },
        )
    }

    /// Work without an appointment (reports, treatment abroad) has started.
    pub fn start(self) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::Approved],
            "started",
            Step {
                to: Status::InProgress,
                quota: QuotaEffect::Keep,
            },
        )
    }

    pub fn complete(self) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::Scheduled, Status::InProgress],
            "completed",
            Step {
                to: Status::Completed,
                quota: QuotaEffect::Consume,
            },
        )
    }

    /// The insured did not come; `counted` from the plan (`no_show` in `counts_as_used`).
    pub fn no_show(self, counted: bool) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::Scheduled],
            "marked as a no-show",
            Step {
                to: Status::NoShow,
                quota: if counted {
                    QuotaEffect::Consume
                } else {
                    QuotaEffect::Release
                },
            },
        )
    }

    /// Cancelled by the insured or a specialist; `counted` from the plan's cancellation rule.
    pub fn cancel(self, counted: bool) -> Result<Step, InvalidTransition> {
        self.step(
            &[
                Status::Draft,
                Status::Submitted,
                Status::InReview,
                Status::NeedsMaterials,
                Status::Approved,
                Status::Scheduled,
            ],
            "cancelled",
            Step {
                to: Status::Cancelled,
                quota: if counted {
                    QuotaEffect::Consume
                } else {
                    QuotaEffect::Release
                },
            },
        )
    }

    /// Ended by the provider side (no indication, visa refused …); `counted` from the plan.
    pub fn terminate(self, counted: bool) -> Result<Step, InvalidTransition> {
        self.step(
            &[
                Status::InReview,
                Status::NeedsMaterials,
                Status::Approved,
                Status::Scheduled,
                Status::InProgress,
            ],
            "terminated",
            Step {
                to: Status::Terminated,
                quota: if counted {
                    QuotaEffect::Consume
                } else {
                    QuotaEffect::Release
                },
            },
        )
    }

    /// A draft left unsubmitted past its deadline gives its use back.
    pub fn expire(self) -> Result<Step, InvalidTransition> {
        self.step(
            &[Status::Draft],
            "expired",
            Step {
                to: Status::Expired,
                quota: QuotaEffect::Release,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_path_keeps_the_use_until_it_is_consumed() {
        let mut status = Status::Draft;
        for step in [
            Status::submit,
            Status::claim,
            Status::request_materials,
            Status::submit,
            Status::claim,
            Status::approve,
            Status::schedule,
        ] {
            let next = step(status).expect("allowed");
            assert_eq!(next.quota, QuotaEffect::Keep);
            status = next.to;
        }
        assert_eq!(status, Status::Scheduled);
        // The guided upload: taken and asked for materials before any submission.
        let guided = Status::NeedsMaterials;
        assert_eq!(guided.claim().expect("allowed").to, guided);
        assert_eq!(guided.request_materials().expect("allowed").to, guided);
        assert_eq!(guided.submit().expect("allowed").to, Status::Submitted);
        assert!(Status::Submitted.request_materials().is_err());
        assert_eq!(
            status.complete().expect("allowed"),
            Step {
                to: Status::Completed,
                quota: QuotaEffect::Consume
            }
        );
    }

    #[test]
    fn terminal_states_have_no_exits() {
        for status in Status::ALL.iter().copied().filter(|s| s.is_terminal()) {
            for (name, result) in [
                ("submit", status.submit()),
                ("claim", status.claim()),
                ("approve", status.approve()),
                ("reject", status.reject()),
                ("schedule", status.schedule()),
                ("complete", status.complete()),
                ("cancel", status.cancel(false)),
                ("terminate", status.terminate(false)),
                ("expire", status.expire()),
                ("no_show", status.no_show(true)),
            ] {
                assert!(result.is_err(), "{status:?} → {name}");
            }
        }
    }

    #[test]
    fn counted_or_not_decides_consume_or_release() {
        assert_eq!(
            Status::Scheduled.cancel(true).expect("ok").quota,
            QuotaEffect::Consume
        );
        assert_eq!(
            Status::Scheduled.cancel(false).expect("ok").quota,
            QuotaEffect::Release
        );
        assert_eq!(
            Status::Scheduled.no_show(false).expect("ok").quota,
            QuotaEffect::Release
        );
        assert_eq!(
            Status::InReview.reject().expect("ok").quota,
            QuotaEffect::Release
        );
        assert_eq!(
            Status::Draft.expire().expect("ok").quota,
            QuotaEffect::Release
        );
        assert!(Status::Approved.expire().is_err());
        assert_eq!(
            Status::parse("needs_materials"),
            Some(Status::NeedsMaterials)
        );
        assert_eq!(Status::parse("nonsense"), None);
    }
}
