use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    pub case_id: i64,
    /// The uploader (the case's applicant).
    pub user_id: i64,
    /// A material category (`outpatient_record`, `admission_slip`, …).
    pub category: String,
    pub storage_key: String,
    /// Empty for a PDF or DICOM file (no thumbnail).
    pub thumbnail_key: String,
    /// What is stored (`image/jpeg`, `image/png`), decided by content.
    pub media_type: String,
    /// What was received, decided by content.
    pub source_type: String,
    pub bytes: i64,
    pub original_bytes: i64,
    /// SHA-256 of the bytes received: the same photo twice is one document.
    pub sha256: String,
    pub width: i32,
    pub height: i32,
    pub review_state: ReviewState,
    pub review_reason: Option<String>,
    pub review_note: Option<String>,
    pub reviewer_id: Option<i64>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub uploaded_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// `photo`, `pdf` or `dicom`, decided by content.
    pub file_kind: String,
    /// What the parser read of a PDF or DICOM file (JSON; never a personal DICOM tag).
    pub facts: Option<String>,
    /// When the file was removed from storage at the end of its retention period (or on
    /// the owner's withdrawal or account deletion): the row stays as the tombstone.
    pub purged_at: Option<DateTimeUtc>,
}

/// Where a specialist's review of a document stands.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    Pending,
    Accepted,
    Rejected,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
