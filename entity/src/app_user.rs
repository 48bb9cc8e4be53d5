use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: Uuid,
    #[sea_orm(unique)]
    pub openid: String,
    pub unionid: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// `key_id ‖ nonce ‖ AES-256-GCM(+cc national)`, bound to this row.
    pub phone_enc: Option<Vec<u8>>,
    /// HMAC-SHA256 blind index of the normalised number.
    #[sea_orm(indexed)]
    pub phone_hash: Option<String>,
    pub phone_country_code: Option<String>,
    pub phone_bound_at: Option<DateTimeUtc>,
    /// When the owner deleted the account: its openid, phone and bindings are gone.
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
