//! Counting uses from `quota_use` (the cases area writes the rows).

use entity::quota_use;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::Uses;

/// Reserved and consumed uses of one policy, by (quota key, period start); released ones do not
/// count.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn uses(db: &impl ConnectionTrait, policy_id: i64) -> Result<Uses, DbErr> {
    let rows = quota_use::Entity::find()
        .filter(quota_use::Column::PolicyId.eq(policy_id))
        .filter(quota_use::Column::State.ne("released"))
        .all(db)
        .await?;
    let mut uses = Uses::new();
    for row in rows {
        *uses.entry((row.quota_key, row.period_start)).or_default() += 1;
    }
    Ok(uses)
}
