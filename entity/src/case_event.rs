use sea_orm::entity::prelude::*;

use crate::service_case::CaseState;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "case_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub from_status: Option<CaseState>,
    pub to_status: CaseState,
    pub action: String,
    /// `user`, `staff` or `system`.
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
