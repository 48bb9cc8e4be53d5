//! The announcements of objects written ahead of their rows (`object_intent`).

use chrono::{DateTime, Utc};
use entity::object_intent;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// Announces that `keys` are about to be written (or, in a row's removal, to be removed).
pub async fn announce(
    db: &impl ConnectionTrait,
    keys: &[&str],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if keys.is_empty() {
        return Ok(());
    }
    let rows = keys.iter().map(|key| object_intent::ActiveModel {
        storage_key: Set((*key).to_owned()),
        announced_at: Set(now),
    });
    object_intent::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(object_intent::Column::StorageKey)
                .update_column(object_intent::Column::AnnouncedAt)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Removes the announcements of `keys`; how many there were.
pub async fn remove(db: &impl ConnectionTrait, keys: &[&str]) -> Result<u64, DbErr> {
    if keys.is_empty() {
        return Ok(0);
    }
    let removed = object_intent::Entity::delete_many()
        .filter(object_intent::Column::StorageKey.is_in(keys.iter().copied()))
        .exec(db)
        .await?;
    Ok(removed.rows_affected)
}

/// The oldest announcements made before `before`, at most `limit`.
pub async fn announced_before(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<String>, DbErr> {
    object_intent::Entity::find()
        .select_only()
        .column(object_intent::Column::StorageKey)
        .filter(object_intent::Column::AnnouncedAt.lt(before))
        .order_by_asc(object_intent::Column::AnnouncedAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// In the transaction saving the row that names `keys`: their announcements removed. False
/// when one was gone (the sweep took its object as left behind): the caller rolls back.
pub async fn settle(txn: &impl ConnectionTrait, keys: &[&str]) -> Result<bool, DbErr> {
    Ok(remove(txn, keys).await? == keys.len() as u64)
}
