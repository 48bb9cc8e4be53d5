use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub case_id: Option<i64>,
    /// What happened (`case_submitted`, `case_approved` …): the sender picks the template.
    pub kind: String,
    /// JSON: the facts the message needs.
    pub payload: String,
    /// Pending, then where its send ended.
    pub state: NotificationState,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the insured read it in the message centre; none: unread.
    pub read_at: Option<DateTimeUtc>,
    /// While a worker sends the row: claimed again by another once this has passed.
    pub lease_until: Option<DateTimeUtc>,
    /// The subscribe template it went out with.
    pub template_id: Option<String>,
    /// WeChat's message id (a 64-bit integer).
    pub msgid: Option<i64>,
    pub sent_at: Option<DateTimeUtc>,
    /// WeChat's delivery result (`subscribe_msg_sent_event`): `success` or its error status.
    pub delivery: Option<String>,
    /// Reminders: one row per key however many workers create it.
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
}

/// Where a message row stands: `pending` until a send attempt ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum NotificationState {
    Pending,
    /// WeChat accepted it (`msgid` recorded).
    Sent,
    /// The user had no subscribe grant left for its template: kept in the message centre.
    NoGrant,
    /// Out of date when its turn came (the visit moved or the case ended).
    Superseded,
    /// WeChat refused it for good, or the attempts ran out.
    Dead,
    /// WeChat is not configured (the embedded profile without credentials).
    Skipped,
}

impl NotificationState {
    /// The stored word (the same as `ActiveEnum::to_value`), for labels and logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::NoGrant => "no_grant",
            Self::Superseded => "superseded",
            Self::Dead => "dead",
            Self::Skipped => "skipped",
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
