//! How a case ends early, as the plans say: reasons counted as a use of the service, and
//! reasons never counted.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use super::Service;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum UsedReason {
    NoShow,
    LateCancellation,
    Cancelled,
    LateArrival,
    NoIndication,
    InfectiousDiseaseRefusal,
    CustomerReasons,
    Discharged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum NotCountedReason {
    /// The provider could not book and the customer declined the alternatives.
    ProviderFailedCustomerDeclined,
    ExpertUnavailable,
    MaterialsMissing,
}

/// Why a case ended early: a reason the plan counts as a use, or one it never counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EndReason {
    Used(UsedReason),
    NotCounted(NotCountedReason),
}

impl EndReason {
    pub fn code(self) -> &'static str {
        match self {
            EndReason::Used(r) => r.into(),
            EndReason::NotCounted(r) => r.into(),
        }
    }

    /// Whether ending a case for this reason counts as a use under `service`: the reasons the
    /// plan lists do; any other does not (interpretation: a reason the plan does not name is
    /// not charged to the insured).
    pub fn counted(self, service: &Service) -> bool {
        match self {
            EndReason::Used(r) => service.counts_as_used.contains(&r),
            EndReason::NotCounted(_) => false,
        }
    }
}
