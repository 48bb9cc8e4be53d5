//! The staff area's reads: logins of assignees, an account's insurer code.

use std::collections::HashMap;

use entity::{insurer, staff};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// The logins of the staff rows `ids` (for queue and case views).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn logins(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    let ids: Vec<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.login))
        .collect())
}

/// The code of an insurer row.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insurer_code(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, DbErr> {
    Ok(insurer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|i| i.code))
}

/// A staff account by its row id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_account(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<staff::Model>, DbErr> {
    staff::Entity::find_by_id(id).one(db).await
}
