//! Why an application (`POST /cases`) is refused: the entitlement, the form's fields against
//! the service's rules, the quota. The variant name is the code, the `#[error]` text the
//! message; a refusal for lack of entitlement answers with the first reason's own code.

use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::eligibility::Reason;
use crate::platform::error::{ApiError, AreaError, Fault, Kind, variant_codes};
use crate::platform::idempotency::IdempotencyError;
use crate::policies::error::PolicyError;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum ApplyError {
    #[error("请选择就医城市")]
    CityRequired,
    #[error("所选城市不在该服务的覆盖范围内，请从可选城市中选择")]
    CityNotCovered { coverage: String },
    #[error("城市代码无效，请重新选择城市")]
    CityInvalid,
    #[error("该服务不支持指定此项，请删除后重试")]
    FieldNotNameable { field: &'static str },
    #[error("未找到所选医院，请重新选择")]
    UnknownHospital,
    #[error("所选医院不在所选城市，请重新选择医院或城市")]
    HospitalNotInCity,
    #[error("未找到所选科室，请重新选择")]
    UnknownDepartment,
    #[error("{reason}")]
    DepartmentExcluded {
        department_id: String,
        reason: &'static str,
    },
    #[error("专家姓名过长（最多32个字）")]
    ExpertNameTooLong,
    #[error("病情描述最多500字")]
    DescriptionTooLong,
    #[error("联系电话格式不正确，请填写11位手机号码（境外号码请同时填写国家或地区代码）")]
    ContactPhoneInvalid,
    #[error("请填写联系电话，以便医疗服务专员与您联系")]
    ContactPhoneRequired,
    #[error("期望就诊日期须晚于今天")]
    WantedDateInPast,
    #[error("该服务需提前预约，请填写期望就诊日期")]
    WantedDateRequired,
    #[error("该服务需至少提前{working_days}个工作日预约，最早可约 {earliest}")]
    LeadTimeTooShort {
        working_days: u32,
        earliest: NaiveDate,
    },
    #[error("请选择诊断情况：疑似或已确诊")]
    DiagnosisRequired,
    #[error("该服务不接受此诊断情况（例如仅限已确诊）")]
    DiagnosisStateNotAccepted,
    #[error("请选择疑似或确诊的重大疾病")]
    IllnessRequired,
    #[error("未找到所选疾病，请重新选择")]
    UnknownIllness,
    #[error("填写了住院单日期，请同时确认持有住院单")]
    AdmissionSlipDateWithoutSlip,
    #[error("填写了开具住院单的医院或科室，请同时确认持有住院单")]
    AdmissionSlipIssuerWithoutSlip,
    #[error("住院单日期不能晚于今天")]
    AdmissionSlipDateInvalid,
    #[error("该服务需提供申请医院科室开具的住院单及其日期")]
    AdmissionSlipRequired,
    #[error("请填写住院单开具日期")]
    AdmissionSlipDateRequired,
    /// Not entitled today: answered with the first reason's code and message.
    #[error("{}", first(.reasons).message())]
    NotEntitled {
        reasons: Vec<Reason>,
        available_from: NaiveDate,
    },
    #[error("{}", Reason::QuotaExhausted.message())]
    QuotaExhausted { service: String },
    #[error("相同的请求正在处理中，请稍后重试")]
    RequestInProgress,
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    #[error(transparent)]
    Fault(#[from] Fault),
    /// The form's problems: answered with the first's code, message and details, every one of
    /// them in `details.errors`.
    #[error("{}", .0.first().map(ToString::to_string).unwrap_or_default())]
    Several(Vec<ApplyError>),
}

fn first(reasons: &[Reason]) -> Reason {
    reasons.first().copied().unwrap_or(Reason::PolicyLapsed)
}

crate::platform::error::faults_from!(ApplyError);

impl ApplyError {
    /// No problem, or every problem of the form (`details.errors` lists them, even one).
    pub fn all(problems: Vec<ApplyError>) -> Result<(), ApplyError> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ApplyError::Several(problems))
        }
    }

    /// One problem as `details.errors` lists it.
    fn entry(&self) -> Value {
        let mut entry = json!({ "code": self.code(), "message": self.to_string() });
        if let (Value::Object(into), Value::Object(from)) = (&mut entry, self.details()) {
            into.extend(from);
        }
        entry
    }
}

impl AreaError for ApplyError {
    fn kind(&self) -> Kind {
        match self {
            Self::Several(all) => all.first().map_or(Kind::Unprocessable, AreaError::kind),
            Self::NotEntitled { reasons, .. } if first(reasons) == Reason::QuotaExhausted => {
                Kind::Conflict
            }
            Self::NotEntitled { .. } => Kind::Forbidden,
            Self::QuotaExhausted { .. } | Self::RequestInProgress => Kind::Conflict,
            Self::Policy(e) => e.kind(),
            Self::Idempotency(e) => e.kind(),
            Self::Fault(_) => Kind::Internal,
            _ => Kind::Unprocessable,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::Several(all) => all.first().map_or("invalid_body", AreaError::code),
            Self::NotEntitled { reasons, .. } => first(reasons).code(),
            other => other.into(),
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::Several(all) => {
                let mut details = all.first().map_or_else(|| json!({}), AreaError::details);
                if let Value::Object(map) = &mut details {
                    map.insert(
                        "errors".to_owned(),
                        Value::Array(all.iter().map(ApplyError::entry).collect()),
                    );
                }
                details
            }
            Self::CityNotCovered { coverage } => json!({ "coverage": coverage }),
            Self::FieldNotNameable { field } => json!({ "field": field }),
            Self::DepartmentExcluded { department_id, .. } => {
                json!({ "department_id": department_id })
            }
            Self::LeadTimeTooShort {
                working_days,
                earliest,
            } => json!({ "working_days": working_days, "earliest": earliest }),
            Self::NotEntitled {
                reasons,
                available_from,
            } => json!({
                "reasons": reasons.iter().map(|r| r.code()).collect::<Vec<_>>(),
                "available_from": available_from,
            }),
            Self::QuotaExhausted { service } => json!({ "service": service }),
            _ => json!({}),
        }
    }

    fn pass_through(self) -> Result<ApiError, Self> {
        match self {
            Self::Policy(e) => Ok(e.into()),
            Self::Idempotency(e) => Ok(e.into()),
            Self::Fault(e) => Ok(e.into()),
            other => Err(other),
        }
    }

    fn codes() -> Vec<&'static str> {
        let mut codes = variant_codes(
            <Self as strum::VariantNames>::VARIANTS,
            &["not_entitled", "several", "policy", "idempotency", "fault"],
        );
        codes.extend(<Reason as strum::VariantNames>::VARIANTS.iter().copied());
        codes.sort_unstable();
        codes.dedup();
        codes
    }
}
