//! How a case ends early, as the plans say: reasons counted as a use of the service, and
//! reasons never counted. What a reason means under a service
//! (whether it applies, whether it counts) is `super::model`'s, beside the service.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

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
    /// The hospital abroad would not accept the patient (seed 001 overseas treatment; not
    /// counted: interpretation, the reading most favourable to the insured).
    HospitalRefused,
    /// The medical visa was refused (as above).
    VisaRefused,
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
}
