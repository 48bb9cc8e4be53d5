//! The product-plan file format (`products/*.toml`): everything SERVICE_RULES.md lists under
//! "What the program must therefore model", as data. The format is documented in
//! `products/README.md`; unknown keys are errors, so a typo never silently means a default.

use super::outcomes::{EndReason, NotCountedReason, UsedReason};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr};

use super::conversation::{Line, OfferKind, OfferRule};
pub use super::materials::{AdmissionSlip, Material, MaterialRule, Materials, RecordFiles};
use crate::calendar::AcceptanceHours;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Product code: lowercase letters, digits and `-`.
    pub code: String,
    pub name: String,
    /// The seed document the plan restates (`shared/seeds/<file>`).
    pub seed: String,
    pub insurer: Insurer,
    pub provider: Provider,
    pub eligibility: Eligibility,
    #[serde(default)]
    pub quota_groups: Vec<QuotaGroup>,
    pub services: Vec<Service>,
    #[serde(default)]
    pub reports: Reports,
    /// The lines the insured may call besides each service's own (`Service::hotline`): the
    /// insurer's, a complaint line, a 24-hour urgent line, where the seed names one.
    #[serde(default)]
    pub lines: Vec<Line>,
    /// What the seed tells the insured (fees, claims, emergencies, lateness, what to bring …).
    #[serde(default)]
    pub notices: Vec<super::notices::Notice>,
    /// The categories that take a PDF or DICOM file besides photos.
    #[serde(default)]
    pub record_files: super::materials::RecordFiles,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Insurer {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub name: String,
    pub hotline: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// 犹豫期 in days from the effective date (a policy's own cooling-off end wins).
    pub cooling_off_days: u32,
    /// 等待期: the effective date is day 1; service from day `waiting_days + 1`. 0 = none.
    pub waiting_days: u32,
    pub window: Window,
    /// Diagnosis states a service may start from (`suspected`, `confirmed`).
    pub diagnosis_states: Vec<DiagnosisState>,
    /// Only a first diagnosis (初次罹患) of a covered critical illness.
    pub first_diagnosis_only: bool,
    /// An illness that existed before the policy is not eligible.
    pub pre_existing_excluded: bool,
    /// Services end when the sum insured drops below the product's threshold.
    #[serde(default)]
    pub ends_below_sum_insured_threshold: bool,
    pub clause: String,
}

/// When the services may be used, relative to the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Window {
    /// While the policy is in force (renewals extend it).
    PolicyTerm,
    /// `years` from the effective date.
    YearsFromEffective { years: u32 },
    /// Until 00:00 of the `nth` occurrence of the effective date (the original is the 1st).
    UntilNthEffectiveDate { nth: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum DiagnosisState {
    Suspected,
    Confirmed,
}

impl DiagnosisState {
    pub fn code(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaGroup {
    pub id: String,
    pub count: u32,
    pub scope: QuotaScope,
    pub clause: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaScope {
    /// Anniversary to anniversary from the effective date; unused uses do not carry over.
    PolicyYear,
    /// The whole eligibility window, once.
    Validity,
}

/// Exactly one of: `unlimited = true`; `count` with `scope`; `group`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    #[serde(default)]
    pub unlimited: bool,
    #[serde(default)]
    pub count: Option<u32>,
    #[serde(default)]
    pub scope: Option<QuotaScope>,
    #[serde(default)]
    pub group: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    ExpertOutpatient,
    Inpatient,
    Surgery,
    InpatientSurgery,
    SecondOpinionDomestic,
    Escort,
    SecondOpinionOverseas,
    OverseasTreatment,
    TeleDoctor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Beneficiaries {
    #[default]
    Insured,
    /// The insured and relatives (direct, three generations), through an invitation.
    InsuredAndRelatives,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nameable {
    #[serde(default)]
    pub hospital: bool,
    #[serde(default)]
    pub department: bool,
    #[serde(default)]
    pub expert: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExcludedDepartments {
    /// 产科
    Obstetrics,
    /// 急诊科
    Emergency,
    /// 医技科室 (超声, 影像, 检验 …)
    Technical,
}

/// How a case reaches the specialists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// The insured uploads the materials and submits; the specialists see the case then.
    #[default]
    MaterialsFirst,
    /// A specialist calls first and guides the upload (seed 002 "在医疗服务专员的指导下…上传照片"):
    /// the case enters the queue as awaiting materials when it is applied for, with its
    /// first-contact due time. Needs a `first_contact` promise.
    ContactFirst,
}

/// Points in a case's life that a promise runs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    Application,
    /// The application at the provider's next opening.
    Acceptance,
    EligibilityApproval,
    MaterialsComplete,
    AdmissionSlipDate,
    HospitalAccepted,
    VisaGranted,
}

/// A time promise from the later of its anchors: in working days (`working_days`, with
/// `working_days_min` for a range like 8–10), hours, or minutes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Promise {
    #[serde(default)]
    pub working_days: Option<u32>,
    #[serde(default)]
    pub working_days_min: Option<u32>,
    #[serde(default)]
    pub hours: Option<u32>,
    #[serde(default)]
    pub minutes: Option<u32>,
    pub from: Vec<Anchor>,
    /// The promise in the seed's words, shown to the user.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Cancellation {
    /// Once arranged it cannot be cancelled (a cancellation counts as used).
    Never,
    /// Free until 12:00 on the day before the visit; later it counts as used.
    BeforeNoonDayBefore,
    /// Free with at least `days` working days' notice; otherwise it counts as used.
    WorkingDaysNotice { days: u32 },
    /// The seed says nothing: free until the appointment is arranged (interpretation).
    UntilScheduled,
    /// The seed says nothing about cancelling an arranged visit, only that a missed one is used:
    /// free before the day of the visit (Asia/Shanghai), counted on the day itself as the
    /// no-show it is (interpretation, the reading most favourable to the insured).
    BeforeVisitDay,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Unique in the plan: the key of its quota and of its cases.
    pub id: String,
    pub kind: ServiceKind,
    pub name: String,
    pub quota: Quota,
    #[serde(default)]
    pub beneficiaries: Beneficiaries,
    /// Whether the plan's waiting period holds this service back (a health hotline needs no
    /// diagnosis, so no waiting period applies to it).
    #[serde(default = "yes")]
    pub waiting_period_applies: bool,
    /// A list in `data/coverage.json`; absent where the seed names none.
    #[serde(default)]
    pub coverage: Option<String>,
    #[serde(default)]
    pub nameable: Nameable,
    /// 副主任医师 and up, 主治医师 and up …, in words.
    #[serde(default)]
    pub doctor_level: Option<String>,
    #[serde(default)]
    pub excluded_departments: Vec<ExcludedDepartments>,
    #[serde(default)]
    pub materials: Materials,
    #[serde(default)]
    pub admission_slip: AdmissionSlip,
    #[serde(default)]
    pub flow: Flow,
    /// The service ends with a written report (a second opinion, treatment abroad's service
    /// report): a specialist uploads it as a PDF and the case completes only with one.
    #[serde(default)]
    pub report: bool,
    /// The medical bills are delivered with the report and the case completes only with them
    /// too (seed 001 海外就医综合服务 「医疗服务情况报告和账单交付甲方，服务完成」).
    #[serde(default)]
    pub bill: bool,
    /// Treatment abroad: the local escort hours included (seed 001 「当地陪诊（不超过 40h）」);
    /// the case records the hospital abroad, the departure, the hours used and the return.
    #[serde(default)]
    pub abroad_escort_hours: Option<u32>,
    /// Forms the insured fills in and uploads as `second_opinion_forms` (seed 004 二(二)
    /// 「寄送相关表格请被服务人填写」): PDF files under the plans' directory.
    #[serde(default)]
    pub forms: Vec<PlanForm>,
    /// A health-management expert explains the written opinion to the insured, at a time
    /// arranged, before the case completes (seed 004 二(二) 「好人生健康管理专家将为被服务人
    /// 进行意见书的解读」).
    #[serde(default)]
    pub explanation: bool,
    /// Without a slip, these services' uses are consumed too (seed 003 注意事项 11).
    #[serde(default)]
    pub no_slip_consumes: Vec<String>,
    #[serde(default)]
    pub sla: Option<Promise>,
    #[serde(default)]
    pub first_contact: Option<Promise>,
    #[serde(default)]
    pub start_decision: Option<Promise>,
    /// Apply at least this many working days before the wanted date.
    #[serde(default)]
    pub lead_time_working_days: Option<u32>,
    /// Served by phone or video: arranged as a call time, never a hospital, department or
    /// meeting point.
    #[serde(default)]
    pub by_call: bool,
    /// Someone goes with the insured on the day of the visit (an escort, a guide, the
    /// specialist): a booking names them, by name and phone, and where and when they meet.
    #[serde(default)]
    pub escorted: bool,
    /// The application may name an alternate hospital (seed 004 四(三) 「备选医院」).
    #[serde(default)]
    pub alternate_hospital: bool,
    pub acceptance: AcceptanceHours,
    pub hotline: String,
    /// Who serves it, when not the plan's provider.
    #[serde(default)]
    pub provider: Option<String>,
    pub cancellation: Cancellation,
    #[serde(default)]
    pub counts_as_used: Vec<UsedReason>,
    #[serde(default)]
    pub not_counted: Vec<NotCountedReason>,
    /// Where the specialist proposes options for the insured to choose from (besides a new
    /// time, which any booked service may offer), and what declining means.
    #[serde(default)]
    pub offers: Vec<OfferRule>,
    /// The seed clauses this service restates, e.g. `seed 002 (一)2.7`.
    pub clauses: Vec<String>,
}

/// A form a plan hands the insured to fill in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanForm {
    /// What the insured reads (`重疾国际二次诊疗申请表`).
    pub title: String,
    /// The PDF, relative to the plans' directory.
    pub file: String,
}

impl Service {
    /// Whether the service arranges a surgery (its date is recorded with the doctor's).
    pub fn arranges_surgery(&self) -> bool {
        matches!(
            self.kind,
            ServiceKind::Surgery | ServiceKind::InpatientSurgery
        )
    }

    /// The rule for offers of `kind` here: the plan's, or for a new time the consent every
    /// booked service asks for; none where the service does not offer this kind.
    pub fn offer_rule(&self, kind: OfferKind) -> Option<OfferRule> {
        self.offers
            .iter()
            .find(|rule| rule.kind == kind)
            .cloned()
            .or_else(|| (kind == OfferKind::Time).then(OfferRule::consent_to_time))
    }

    /// Whether one of the service's promises runs from `anchor` (a date the provider side must
    /// record for the promise to be tracked).
    pub fn tracks(&self, anchor: Anchor) -> bool {
        [&self.sla, &self.first_contact, &self.start_decision]
            .into_iter()
            .flatten()
            .any(|promise| promise.from.contains(&anchor))
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reports {
    /// A weekly service progress report to the insurer.
    #[serde(default)]
    pub weekly_progress: bool,
    /// Services whose finished report is sent to the insurer.
    #[serde(default)]
    pub per_case: Vec<String>,
}

impl EndReason {
    /// Whether the reason can end a case of `service` at all: a refusal by the hospital abroad or
    /// of the visa only where the service waits for that step.
    pub fn applies(self, service: &Service) -> bool {
        match self {
            EndReason::NotCounted(NotCountedReason::HospitalRefused) => {
                service.tracks(Anchor::HospitalAccepted)
            }
            EndReason::NotCounted(NotCountedReason::VisaRefused) => {
                service.tracks(Anchor::VisaGranted)
            }
            _ => true,
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
