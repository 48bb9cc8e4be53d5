use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "quota_use")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub policy_id: i64,
    /// The service id, or the shared quota group's id.
    pub quota_key: String,
    pub period_start: Date,
    pub slot: i32,
    pub service_id: String,
    pub case_id: Option<i64>,
    pub state: QuotaUseState,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// A use of a quota: reserved when the case is created, consumed or released when it ends. The
/// unique index over the active slots names `released` in its predicate (migration 0008).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum QuotaUseState {
    Reserved,
    Consumed,
    Released,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
