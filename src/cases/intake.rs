//! Applications refused at intake, registered without personal data (seed 001 流程 「服务终止 ·
//! 登记备案」): the insurer, the product, the service, the reason and when — never who. The
//! insurer's weekly report counts them per service and reason. Every refused attempt is
//! registered (a retry refused again is registered again): the register counts refusals, not
//! people.

use chrono::{DateTime, Utc};

use super::apply_error::ApplyError;
use crate::eligibility::Reason;

/// Why an application was refused at intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeReason {
    /// The policy does not entitle the caller to the service today.
    Eligibility(Reason),
    /// The city is outside the service's coverage.
    CityNotCovered,
}

impl IntakeReason {
    /// The refusal an application met, where it is one the register keeps (a form's own
    /// mistakes — a missing field, a bad date — are not refusals of the service).
    pub fn of(error: &ApplyError) -> Option<Self> {
        match error {
            ApplyError::NotEntitled { reasons, .. } => {
                reasons.first().copied().map(IntakeReason::Eligibility)
            }
            ApplyError::QuotaExhausted { .. } => {
                Some(IntakeReason::Eligibility(Reason::QuotaExhausted))
            }
            ApplyError::CityNotCovered { .. } => Some(IntakeReason::CityNotCovered),
            ApplyError::Several(all) => all.iter().find_map(IntakeReason::of),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Eligibility(reason) => reason.code(),
            Self::CityNotCovered => "city_not_covered",
        }
    }

    /// The reason as a stored code names it; None for anything else.
    pub fn parse(code: &str) -> Option<Self> {
        if code == "city_not_covered" {
            return Some(Self::CityNotCovered);
        }
        <Reason as strum::VariantArray>::VARIANTS
            .iter()
            .find(|r| r.code() == code)
            .map(|r| Self::Eligibility(*r))
    }

    /// The reason in the insurer's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Eligibility(Reason::PolicyLapsed) => "保单已失效或终止",
            Self::Eligibility(Reason::PolicySurrendered) => "保单已退保",
            Self::Eligibility(Reason::SumInsuredBelowThreshold) => "保额低于服务标准",
            Self::Eligibility(Reason::NotInsuredPerson) => "申请人非被保险人本人",
            Self::Eligibility(Reason::NotYetEffective) => "保单尚未生效",
            Self::Eligibility(Reason::CoolingOff) => "犹豫期内",
            Self::Eligibility(Reason::WaitingPeriod) => "等待期内",
            Self::Eligibility(Reason::WindowClosed) => "超出保单服务期间",
            Self::Eligibility(Reason::QuotaExhausted) => "服务次数已用完",
            Self::CityNotCovered => "不在服务城市范围内",
        }
    }
}

/// A refusal to register.
#[derive(Debug, Clone)]
pub struct IntakeRefusal {
    pub insurer_id: i64,
    pub product_id: i64,
    pub service_id: String,
    pub reason: IntakeReason,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_back_from_its_code_and_has_words() {
        let all = <Reason as strum::VariantArray>::VARIANTS
            .iter()
            .map(|r| IntakeReason::Eligibility(*r))
            .chain([IntakeReason::CityNotCovered]);
        for reason in all {
            assert_eq!(IntakeReason::parse(reason.code()), Some(reason));
            assert!(!reason.label().is_ascii());
        }
        assert_eq!(IntakeReason::parse("nonsense"), None);
    }
}
