use sea_orm::entity::prelude::*;

/// An insurer's weekly service-progress report, as made and stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "weekly_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    pub insurer_id: i64,
    /// ISO week, `2026-W48`.
    pub week: String,
    /// `xlsx` or `csv`.
    pub format: String,
    pub storage_key: String,
    pub size_bytes: i64,
    pub case_count: i32,
    pub generated_at: DateTimeUtc,
    /// When the file was removed from storage at the end of its retention period.
    pub purged_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
