//! The pushes already handled, by key: WeChat's retries find theirs and change nothing.

use chrono::{DateTime, Utc};
use entity::wechat_push_event;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Remembers the push `key`; false when it was already handled.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remember(
    db: &impl ConnectionTrait,
    key: &str,
    event: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = wechat_push_event::Entity::insert(wechat_push_event::ActiveModel {
        dedupe_key: Set(key.to_owned()),
        event: Set(event.chars().take(64).collect()),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(wechat_push_event::Column::DedupeKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Forgets pushes handled before `before` (WeChat's retries come within a minute).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(wechat_push_event::Entity::delete_many()
        .filter(wechat_push_event::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
