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
    kind: super::NotificationKind,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    notification::Entity::insert(notification::ActiveModel {
        user_id: Set(user_id),
        case_id: Set(case_id),
        kind: Set(kind.as_str().to_owned()),
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

/// A page of a user's messages, newest first; how many they have and how many are unread.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page_for_user(
    db: &sea_orm::DatabaseConnection,
    user_id: i64,
    page: u32,
    per_page: u32,
) -> Result<(Vec<notification::Model>, u64, u64), DbErr> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder};
    let mine = || notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
    let paginator = mine()
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .paginate(db, u64::from(per_page));
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(u64::from(page - 1)).await?;
    let unread = mine()
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?;
    Ok((items, total, unread))
}

/// Marks the user's message `id` (or, with `None`, all of them) read; how many rows changed.
/// Another user's message is never touched.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// The user's message `id`, if it is theirs.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_for_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: i64,
) -> Result<Option<notification::Model>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    notification::Entity::find_by_id(id)
        .filter(notification::Column::UserId.eq(user_id))
        .one(db)
        .await
}
