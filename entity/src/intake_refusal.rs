use sea_orm::entity::prelude::*;

/// An application refused at intake, registered without personal data (seed 001 登记备案).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "intake_refusal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub insurer_id: i64,
    pub product_id: i64,
    /// The service's id in the plan.
    pub service_id: String,
    /// The refusal's code (`waiting_period`, `city_not_covered` …).
    pub reason: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
