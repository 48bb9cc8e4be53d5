//! What the seeds tell the insured, as plan data (issue 28 §2): medical fees are their own, a
//! review is no basis for a claim, no emergency bookings (call 120), the 30-minute late rule,
//! what to bring, advice for reference only, self-arranged services not reimbursed. Each notice
//! is a text per plan (all its services, or those it names) with the clause it comes from; the
//! entitlements, the case and the appointment's messages show those that concern the service.

use serde::{Deserialize, Serialize};

/// What a notice is about (where it is shown follows from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Registration, treatment, medicine and examination fees are the insured's own.
    Fees,
    /// A review's result is no basis for a claim.
    NotClaimBasis,
    /// No emergency bookings: call 120.
    Emergency,
    /// Arriving 30 minutes late without telling forfeits the visit.
    Late,
    /// What to bring to the visit (ID card, 医保卡 …).
    Bring,
    /// Advice is for reference only.
    ReferenceOnly,
    /// Services the insured arranges themself are not reimbursed.
    SelfArranged,
}

impl NoticeKind {
    /// `费用说明`, `急诊提示` …
    pub fn label(self) -> &'static str {
        match self {
            Self::Fees => "费用说明",
            Self::NotClaimBasis => "审核结果说明",
            Self::Emergency => "急诊提示",
            Self::Late => "迟到须知",
            Self::Bring => "就诊携带",
            Self::ReferenceOnly => "意见仅供参考",
            Self::SelfArranged => "自行安排不予报销",
        }
    }

    /// Whether the day-before reminder and the booking's message carry it.
    pub fn for_the_visit(self) -> bool {
        matches!(self, Self::Late | Self::Bring | Self::Fees)
    }
}

/// A notice of the plan, as its seed gives it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub kind: NoticeKind,
    /// What the insured reads (up to 200 characters).
    pub text: String,
    /// The services it is for; none: all of the plan's.
    #[serde(default)]
    pub services: Vec<String>,
    /// The clause that says it.
    pub clause: String,
}

/// A notice as the mini-program shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub kind: NoticeKind,
    /// `费用说明` …
    pub label: &'static str,
    pub text: String,
}
