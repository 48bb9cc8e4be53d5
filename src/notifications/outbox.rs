use chrono::{DateTime, Utc};
use entity::notification;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde_json::Value;

pub const PENDING: &str = "pending";

/// Queues a message for `user_id` in the caller's transaction.
pub async fn enqueue(
    txn: &impl ConnectionTrait,
    user_id: i64,
    case_id: Option<i64>,
    kind: &str,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    notification::Entity::insert(notification::ActiveModel {
        user_id: Set(user_id),
        case_id: Set(case_id),
        kind: Set(kind.to_owned()),
        payload: Set(payload.to_string()),
        state: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}
