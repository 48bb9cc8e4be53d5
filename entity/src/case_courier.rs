use sea_orm::entity::prelude::*;

/// Documents by courier on a case: the insured's request (an address to send documents back
/// to, sealed; or how to send originals) and the specialist's answer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_courier")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    pub case_id: i64,
    /// `return_documents` or `send_originals`.
    pub purpose: String,
    /// The recipient, phone and address, sealed for the case (AES-GCM).
    pub address_enc: Option<Vec<u8>>,
    /// What every view shows but the specialist holding the case.
    pub address_masked: Option<String>,
    pub note: Option<String>,
    pub requested_at: DateTimeUtc,
    pub carrier: Option<String>,
    pub waybill: Option<String>,
    /// Where and how to send originals, in the specialist's words.
    pub instructions: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
