use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "service_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    pub policy_id: i64,
    /// The applicant (the insured, or a relative where the service allows).
    pub user_id: i64,
    pub product_id: i64,
    pub insurer_id: i64,
    /// The service's id in the plan.
    pub service_id: String,
    pub quota_key: Option<String>,
    pub status: CaseState,
    pub diagnosis_state: Option<Diagnosis>,
    pub illness_id: Option<String>,
    pub city_code: Option<String>,
    pub hospital_id: Option<String>,
    pub department_id: Option<String>,
    pub expert_name: Option<String>,
    pub wanted_date: Option<Date>,
    pub has_admission_slip: bool,
    pub admission_slip_date: Option<Date>,
    /// Inpatient without a slip: an outpatient visit comes first.
    pub outpatient_first: bool,
    pub description: Option<String>,
    /// First submitted: the application anchor.
    pub applied_at: Option<DateTimeUtc>,
    pub accepted_at: Option<DateTimeUtc>,
    pub approved_at: Option<DateTimeUtc>,
    pub materials_complete_at: Option<DateTimeUtc>,
    pub first_contact_due_at: Option<DateTimeUtc>,
    pub first_contacted_at: Option<DateTimeUtc>,
    pub start_decision_due_at: Option<DateTimeUtc>,
    pub sla_due_at: Option<DateTimeUtc>,
    pub sla_provisional: bool,
    pub draft_expires_at: Option<DateTimeUtc>,
    pub assignee_id: Option<i64>,
    /// JSON array of material categories the specialist asked for.
    pub awaited_materials: Option<String>,
    pub awaited_message: Option<String>,
    pub appointment_at: Option<DateTimeUtc>,
    pub appointment_hospital: Option<String>,
    pub appointment_department: Option<String>,
    pub appointment_expert_title: Option<String>,
    /// Where the escort or guide meets the insured, and when (none: at the visit's time).
    pub meeting_point: Option<String>,
    pub meeting_at: Option<DateTimeUtc>,
    /// The escort booked for the visit (seed 001 陪诊): their name and phone.
    pub escort_name: Option<String>,
    pub escort_phone: Option<String>,
    /// Why the case ended (refusal reason, cancellation, no-show …).
    pub outcome_code: Option<String>,
    /// Whether the end counted as a use.
    pub counted: Option<bool>,
    pub closed_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Live (not deleted) documents of the case.
    pub document_count: i32,
    /// The case's PDF and DICOM files (counted apart from its photos: a study is many files).
    pub record_file_count: i32,
    /// `GC2611-00042`: what people say on the phone (never an authorisation).
    #[sea_orm(unique)]
    pub case_number: Option<String>,
    /// The doctor booked, where the plan lets an expert be named.
    pub appointment_doctor: Option<String>,
    /// The hospital abroad accepted the patient (seed 001 overseas treatment), as recorded.
    pub hospital_accepted_on: Option<Date>,
    /// The medical visa was granted, as recorded.
    pub visa_granted_on: Option<Date>,
    /// The phone the insured is reached on for this case: `key_id ‖ nonce ‖ AES-256-GCM(+cc
    /// national)`, bound to the case's public id.
    pub contact_phone_enc: Option<Vec<u8>>,
    pub contact_phone_country: Option<String>,
    /// `138****1234`: what every view shows unless the reader may see the number.
    pub contact_phone_masked: Option<String>,
    /// An offer waits for the insured's choice until then (none: no open offer).
    pub offer_open_until: Option<DateTimeUtc>,
    /// The insured asked for a change (another time or hospital) then; none: no open request.
    pub change_requested_at: Option<DateTimeUtc>,
    /// `time` or `hospital`.
    pub change_request_kind: Option<String>,
    pub change_request_note: Option<String>,
    /// The insured said before the visit that they would be late.
    pub late_notice_at: Option<DateTimeUtc>,
    /// The hospital the insured would accept if the first is not available (seed 004 四(三)).
    pub alternate_hospital_id: Option<String>,
    /// When the specialist last proposed options (the start decision is kept by it).
    pub last_offer_at: Option<DateTimeUtc>,
    /// When the insured last raised an objection or a complaint (none: never).
    pub last_objection_at: Option<DateTimeUtc>,
    /// The hospital and department that issued the admission slip (catalog ids).
    pub slip_hospital_id: Option<String>,
    pub slip_department_id: Option<String>,
    /// The surgery date agreed with the doctor (the latest, where the hospital moved it).
    pub surgery_on: Option<Date>,
    /// Treatment abroad: the country (ISO code) and hospital chosen with the insured.
    pub abroad_country: Option<String>,
    pub abroad_hospital: Option<String>,
    pub departed_on: Option<Date>,
    /// Local escort hours used so far (of those the plan includes).
    pub escort_hours_used: Option<i32>,
    pub returned_on: Option<Date>,
    /// The second opinion's explanation: when it is arranged, and when it was given.
    pub explanation_at: Option<DateTimeUtc>,
    pub explained_at: Option<DateTimeUtc>,
    /// When the insured last asked for documents by courier (none: never).
    pub last_courier_at: Option<DateTimeUtc>,
    /// When the case's medical records and reports were removed from storage (the end of
    /// their retention period, a withdrawn consent or a deleted account).
    pub records_purged_at: Option<DateTimeUtc>,
}

/// A case's state as stored. The lifecycle (`cases::lifecycle::Status` in the application) is
/// the same list with its rules; the store maps one to the other.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
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

/// The diagnosis the application rests on (the plan's `DiagnosisState`, mapped by the store).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Diagnosis {
    Suspected,
    Confirmed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
