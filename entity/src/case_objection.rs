use sea_orm::entity::prelude::*;

/// An objection to a review's result or a complaint about the service, raised by the insured
/// on their case, answered by a supervisor.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_objection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    pub case_id: i64,
    pub kind: ObjectionKindStored,
    /// In the insured's words.
    pub body: String,
    /// The app user who raised it.
    pub raised_by: i64,
    pub raised_at: DateTimeUtc,
    pub answer: Option<String>,
    /// The staff account that answered.
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTimeUtc>,
}

/// What is objected to, as stored (the application's `ObjectionKind`, mapped by its store).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum ObjectionKindStored {
    /// The review's result.
    Objection,
    /// The service's quality.
    Complaint,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
