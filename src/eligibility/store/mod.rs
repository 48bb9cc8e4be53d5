//! Counting uses from `quota_use` (the cases area writes the rows).

pub mod quota;

use entity::quota_use;
use entity::service_case::CaseState;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::Uses;

/// Reserved and consumed uses of one policy, by (quota key, period start); released ones do not
/// count.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn uses(db: &impl ConnectionTrait, policy_id: i64) -> Result<Uses, DbErr> {
    let rows = quota_use::Entity::find()
        .filter(quota_use::Column::PolicyId.eq(policy_id))
        .filter(quota_use::Column::State.ne(entity::quota_use::QuotaUseState::Released))
        .all(db)
        .await?;
    let mut uses = Uses::new();
    for row in rows {
        *uses.entry((row.quota_key, row.period_start)).or_default() += 1;
    }
    Ok(uses)
}

/// Uses of the policy's unlimited services, by service id: their cases past the draft that are
/// open or ended counted (they hold no quota rows, having no limit to reserve against).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn unlimited_uses(
    db: &impl ConnectionTrait,
    policy_id: i64,
    service_ids: &[&str],
) -> Result<std::collections::HashMap<String, u32>, DbErr> {
    use entity::service_case;
    use sea_orm::{Condition, QuerySelect};
    if service_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<String> = service_case::Entity::find()
        .select_only()
        .column(service_case::Column::ServiceId)
        .filter(service_case::Column::PolicyId.eq(policy_id))
        .filter(service_case::Column::ServiceId.is_in(service_ids.iter().copied()))
        .filter(service_case::Column::Status.ne(CaseState::Draft))
        .filter(service_case::Column::Status.ne(CaseState::Expired))
        .filter(
            Condition::any()
                .add(service_case::Column::ClosedAt.is_null())
                .add(service_case::Column::Counted.eq(true)),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut uses = std::collections::HashMap::new();
    for service in rows {
        *uses.entry(service).or_default() += 1;
    }
    Ok(uses)
}
