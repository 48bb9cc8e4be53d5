use sea_orm::entity::prelude::*;

/// A case's written report (a PDF, stored as uploaded, never re-encoded).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    pub case_id: i64,
    pub storage_key: String,
    /// As the specialist named it (shown to the insured).
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// The staff account that uploaded it.
    pub uploaded_by: i64,
    pub uploaded_at: DateTimeUtc,
    /// `report` (the written report) or `bill` (the medical bills delivered with it).
    pub kind: String,
    /// When the file was removed from storage at the end of its retention period.
    pub purged_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
