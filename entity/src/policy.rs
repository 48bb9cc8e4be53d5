use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "policy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    #[sea_orm(unique)]
    pub policy_no: String,
    pub product_id: i64,
    /// Normalised (full-width spaces and middle dots unified).
    pub insured_name: String,
    pub id_type: String,
    /// `key_id ‖ nonce ‖ AES-256-GCM(id number)`, bound to this policy number.
    pub id_number_enc: Vec<u8>,
    /// HMAC-SHA256 blind index of the normalised ID number.
    pub id_number_hash: String,
    /// `110101********1234`: what every response shows.
    pub id_number_masked: String,
    pub phone_enc: Option<Vec<u8>>,
    pub phone_hash: Option<String>,
    pub effective_date: Date,
    pub expiry_date: Option<Date>,
    pub cooling_off_end: Option<Date>,
    pub status: PolicyState,
    pub sum_insured_ok: bool,
    /// `import` or `partner`.
    pub source: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// A policy's state as the insurer delivered it. The application's `PolicyStatus` is the same
/// list with its rules; the policies' store maps one to the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum PolicyState {
    InForce,
    Lapsed,
    Surrendered,
    Terminated,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
