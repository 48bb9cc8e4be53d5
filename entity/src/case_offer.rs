use sea_orm::entity::prelude::*;

/// An offer a specialist made on a case: one to three options of one kind, answered by the
/// insured's choice or decline.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_offer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    pub case_id: i64,
    pub kind: OfferKindStored,
    /// JSON: `[{"title", "details", "at"}]`.
    pub options: String,
    pub note: Option<String>,
    pub state: OfferState,
    /// The option the insured chose (0-based).
    pub chosen: Option<i32>,
    /// Declining ends the service (not counted), as the plan says for this kind.
    pub decline_ends: bool,
    /// The staff account that made it.
    pub made_by: i64,
    pub made_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub answered_at: Option<DateTimeUtc>,
}

/// What an offer proposes, as stored (the application's `OfferKind`, mapped by its store).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum OfferKindStored {
    Expert,
    Hospital,
    Institution,
    Time,
}

/// Where an offer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum OfferState {
    /// Waiting for the insured.
    Open,
    Accepted,
    Declined,
    /// Replaced by a newer offer, or the case ended.
    Withdrawn,
    /// Not answered in time.
    Expired,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
