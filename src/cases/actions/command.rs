//! The actions as typed commands: what the provider side may do to a case, with what each
//! carries (an appointment, a refusal's grounds, a milestone), and the command around one
//! (the case version it was decided on, a note).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use crate::cases::offers::OfferOption;
use crate::plans::{Anchor, EndReason, Material, OfferKind, Plan, Service};
use crate::staff::access::Need;

use super::name::ActionName;

/// Grounds for refusing a case, as the plans state them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Refusal {
    /// Not one of the covered critical illnesses.
    NotACoveredIllness,
    /// The records do not show the suspected/confirmed diagnosis the plan needs (e.g. not from a
    /// 二级/二甲 or higher public hospital).
    DiagnosisNotSupported,
    /// The illness existed before the policy (plans that exclude it).
    PreExistingCondition,
    /// Not a first diagnosis (plans limited to 初次罹患).
    NotFirstDiagnosis,
    /// The policy is not (or no longer) entitled.
    PolicyNotEligible,
    /// The wanted place is outside the service's coverage.
    OutsideCoverage,
    /// The admission slip was not issued by the hospital department applied for (seed 002
    /// (二)2.5(4) 「未能提供申请服务的医院科室开具的住院单」): only where the service requires a slip.
    SlipNotFromAppliedDepartment,
}

impl Refusal {
    /// The grounds in words for the insured and the specialists.
    pub fn label(self) -> &'static str {
        match self {
            Refusal::NotACoveredIllness => "不属于保障的重大疾病",
            Refusal::DiagnosisNotSupported => "资料不能证明疑似或确诊",
            Refusal::PreExistingCondition => "既往症",
            Refusal::NotFirstDiagnosis => "非初次罹患",
            Refusal::PolicyNotEligible => "保单不符合服务条件",
            Refusal::OutsideCoverage => "不在服务覆盖范围内",
            Refusal::SlipNotFromAppliedDepartment => {
                "住院单不是申请服务的医院科室开具的，请取得该科室的住院单后重新申请"
            }
        }
    }

    /// Whether the plan refuses `service` on these grounds at all.
    pub fn applies(self, plan: &Plan, service: &Service) -> bool {
        match self {
            Refusal::PreExistingCondition => plan.eligibility.pre_existing_excluded,
            Refusal::NotFirstDiagnosis => plan.eligibility.first_diagnosis_only,
            Refusal::SlipNotFromAppliedDepartment => {
                service.admission_slip == crate::plans::AdmissionSlip::Required
            }
            _ => true,
        }
    }
}

/// A dated step outside the provider's hands that a promise runs from, recorded by a
/// specialist: the hospital abroad accepting the patient and the medical visa (seed 001's
/// overseas treatment, "资料齐全、医院接收且医疗签证签署后40个工作日内"), and the admission slip
/// of a service that lets the insured apply before it exists (seed 000 inpatient).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Milestone {
    HospitalAccepted,
    VisaGranted,
    AdmissionSlip,
}

impl Milestone {
    /// The promise anchor the date is.
    pub fn anchor(self) -> Anchor {
        match self {
            Milestone::HospitalAccepted => Anchor::HospitalAccepted,
            Milestone::VisaGranted => Anchor::VisaGranted,
            Milestone::AdmissionSlip => Anchor::AdmissionSlipDate,
        }
    }

    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Milestone::HospitalAccepted => "海外医院已接收",
            Milestone::VisaGranted => "医疗签证已签发",
            Milestone::AdmissionSlip => "住院单开具日期",
        }
    }

    /// The milestones `service` waits for (a promise runs from them).
    pub fn of(service: &Service) -> Vec<Milestone> {
        Milestone::VARIANTS
            .iter()
            .copied()
            .filter(|m| service.tracks(m.anchor()))
            .collect()
    }
}

/// A step of treatment abroad (seed 001 海外就医综合服务), as the specialist records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AbroadStep {
    /// The hospital abroad chosen with the insured: its country (a code of the service's
    /// coverage) and its name.
    Hospital { country: String, hospital: String },
    /// The insured left for the treatment.
    Departed { on: NaiveDate },
    /// Local escort hours used (of those the plan includes).
    EscortHours { hours: u32 },
    /// The insured is back (「被保人就医完成返回国内」).
    Returned { on: NaiveDate },
}

impl AbroadStep {
    /// The timeline's action.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Hospital { .. } => "abroad_hospital",
            Self::Departed { .. } => "departed",
            Self::EscortHours { .. } => "escort_hours",
            Self::Returned { .. } => "returned",
        }
    }
}

/// The second opinion's explanation by a health-management expert (seed 004 二(二)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplanationStep {
    /// Arranged with the insured for this time.
    Arranged { at: DateTime<Utc> },
    /// Given.
    Given,
}

/// The hospital and department that issued an admission slip (catalog ids), where recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlipIssuer {
    pub hospital_id: Option<String>,
    pub department_id: Option<String>,
}

impl SlipIssuer {
    pub fn is_empty(&self) -> bool {
        self.hospital_id.is_none() && self.department_id.is_none()
    }
}

/// What the insured asks to change about a booked visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ChangeKind {
    /// Another time.
    Time,
    /// Another hospital.
    Hospital,
}

impl ChangeKind {
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Time => "更改就诊时间",
            Self::Hospital => "更换医院",
        }
    }
}

/// The appointment a specialist arranged, as entered (trimmed and checked by [`perform`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub at: DateTime<Utc>,
    /// The place: required for a visit, none for a call (`Service::by_call`).
    pub hospital: Option<String>,
    pub department: Option<String>,
    /// 主任医师, 副主任医师 …
    pub expert_title: Option<String>,
    /// The doctor's name, where the plan lets the insured name an expert.
    pub doctor: Option<String>,
    /// Where the escort or guide meets the insured (none for a call).
    pub meeting_point: Option<String>,
    /// When they meet, before the visit (seed 003 一4 「确认导医服务的等候地点、时间」); none:
    /// at the visit's time.
    pub meeting_at: Option<DateTime<Utc>>,
    /// The escort who goes with the insured (seed 001 陪诊): required where the service is
    /// an escort.
    pub escort: Option<Escort>,
}

/// The person a specialist booked to go with the insured, as the insured will look for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escort {
    /// Up to 32 characters.
    pub name: String,
    /// A mainland mobile or landline number, as checked by [`super::perform`].
    pub phone: String,
}

impl Escort {
    /// An escort as a form or body gives it: none when neither field is filled (one without the
    /// other is refused by [`super::perform`]).
    pub fn typed(name: Option<String>, phone: Option<String>) -> Option<Self> {
        match (name, phone) {
            (None, None) => None,
            (name, phone) => Some(Self {
                name: name.unwrap_or_default(),
                phone: phone.unwrap_or_default(),
            }),
        }
    }
}

/// One thing the provider side does to a case.
#[derive(Debug, Clone)]
pub enum Action {
    /// Take a submitted case: one owner at a time.
    Claim,
    /// The first call to the insured (the plan's first-contact promise).
    Contact,
    /// Back to the insured for more materials.
    RequestMaterials {
        categories: Vec<Material>,
        message: String,
    },
    /// Eligible: the SLA clock of plans that run from approval starts.
    Approve,
    /// Not eligible: the use goes back to the policy.
    Reject { reason: Refusal },
    /// Arrange (or re-arrange) the appointment.
    Schedule(Appointment),
    /// Work without an appointment (reports, treatment abroad) has started.
    Start,
    /// Delivered: the use is consumed.
    Complete,
    /// The insured did not come: counted or not as the plan says.
    NoShow,
    /// Ended by the provider side; counted or not as the plan says.
    Terminate { reason: EndReason },
    /// A cancellation the insured asked for by phone; counted as the plan says, including where
    /// the app would refuse it because it counts.
    Cancel,
    /// Give an open case to another specialist (supervisors and admins), by login.
    Reassign { assignee: String },
    /// Record the date of a milestone the service's promise waits for (a later record of the
    /// same milestone corrects it); an admission slip with who issued it, where known.
    RecordMilestone {
        milestone: Milestone,
        on: NaiveDate,
        issuer: SlipIssuer,
    },
    /// The surgery date agreed with the doctor (seed 004 住院及手术), or a new one the hospital
    /// set (不可抗力导致手术时间变更): shown to the insured, never a use.
    SurgeryDate { on: NaiveDate },
    /// A step of treatment abroad: the hospital, the departure, escort hours, the return.
    Abroad(AbroadStep),
    /// The written opinion's explanation: arranged at a time (again: moved), or given.
    Explanation(ExplanationStep),
    /// Answer the insured's courier request `request`: shipped back, or directions.
    Courier {
        request: uuid::Uuid,
        reply: crate::cases::courier::CourierReply,
    },
    /// Answer the insured's change request that it cannot be made, with the reason in words
    /// (the visit stays as booked).
    RefuseChange { message: String },
    /// Propose 1–3 options of one kind for the insured to choose from (an open offer is
    /// replaced).
    Offer {
        kind: OfferKind,
        options: Vec<OfferOption>,
        note: Option<String>,
    },
    /// Answer the insured's objection or complaint `objection` (supervisors and admins): the
    /// answer reaches the insured's message centre.
    AnswerObjection {
        objection: uuid::Uuid,
        answer: String,
    },
}

impl Action {
    /// The action's name, as in the path of its JSON route and in logs.
    pub fn name(&self) -> ActionName {
        match self {
            Action::Claim => ActionName::Claim,
            Action::Contact => ActionName::Contact,
            Action::RequestMaterials { .. } => ActionName::RequestMaterials,
            Action::Approve => ActionName::Approve,
            Action::Reject { .. } => ActionName::Reject,
            Action::Schedule(_) => ActionName::Schedule,
            Action::Start => ActionName::Start,
            Action::Complete => ActionName::Complete,
            Action::NoShow => ActionName::NoShow,
            Action::Terminate { .. } => ActionName::Terminate,
            Action::Cancel => ActionName::Cancel,
            Action::Reassign { .. } => ActionName::Reassign,
            Action::RecordMilestone { .. } => ActionName::Milestone,
            Action::Offer { .. } => ActionName::Offer,
            Action::RefuseChange { .. } => ActionName::RefuseChange,
            Action::AnswerObjection { .. } => ActionName::AnswerObjection,
            Action::SurgeryDate { .. } => ActionName::SurgeryDate,
            Action::Abroad(_) => ActionName::Abroad,
            Action::Explanation(_) => ActionName::Explanation,
            Action::Courier { .. } => ActionName::Courier,
        }
    }

    /// What the action needs from the caller.
    pub fn need(&self) -> Need {
        match self {
            Action::Claim => Need::Claim,
            Action::Reassign { .. } | Action::AnswerObjection { .. } => Need::Supervisor,
            _ => Need::Owner,
        }
    }
}

/// An action, the version of the case it was decided on, and a note for the timeline.
#[derive(Debug, Clone)]
pub struct Command {
    pub version: i32,
    pub note: Option<String>,
    pub action: Action,
}

impl Command {
    pub fn new(version: i32, note: Option<String>, action: Action) -> Self {
        Self {
            version,
            note,
            action,
        }
    }
}
