use sea_orm::entity::prelude::*;

/// One one-shot subscribe grant: the user accepted a template once, which buys one send.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscribe_grant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub template_id: String,
    /// `client` (the mini-program reported the accept) or `push` (WeChat's popup event).
    pub source: String,
    pub granted_at: DateTimeUtc,
    /// When WeChat's popup event confirmed a client-reported grant.
    pub confirmed_at: Option<DateTimeUtc>,
    pub used_at: Option<DateTimeUtc>,
    pub notification_id: Option<i64>,
    /// WeChat said there was none left (43101) or the user turned the template off.
    pub void_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
