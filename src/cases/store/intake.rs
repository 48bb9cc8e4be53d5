//! The register of applications refused at intake (`cases::intake`): written one row at a time,
//! read a week at a time by the insurer's report.

use chrono::{DateTime, Utc};
use entity::intake_refusal;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::cases::intake::{IntakeReason, IntakeRefusal};

pub(in crate::cases) async fn insert(
    db: &impl ConnectionTrait,
    refusal: &IntakeRefusal,
) -> Result<(), DbErr> {
    intake_refusal::Entity::insert(intake_refusal::ActiveModel {
        insurer_id: Set(refusal.insurer_id),
        product_id: Set(refusal.product_id),
        service_id: Set(refusal.service_id.clone()),
        reason: Set(refusal.reason.code().to_owned()),
        at: Set(refusal.at),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Refusals counted by (product id, service id, reason).
pub type RefusalCounts = Vec<((i64, String, IntakeReason), u64)>;

/// How many of `insurer_id`'s applications were refused in `[start, end)`, by product, service
/// and reason (an unknown stored reason is left out).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn counts(
    db: &impl ConnectionTrait,
    insurer_id: i64,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> Result<RefusalCounts, DbErr> {
    let rows = intake_refusal::Entity::find()
        .filter(intake_refusal::Column::InsurerId.eq(insurer_id))
        .filter(intake_refusal::Column::At.gte(start))
        .filter(intake_refusal::Column::At.lt(end))
        .all(db)
        .await?;
    let mut counts: RefusalCounts = Vec::new();
    for row in rows {
        let Some(reason) = IntakeReason::parse(&row.reason) else {
            continue;
        };
        let key = (row.product_id, row.service_id, reason);
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    Ok(counts)
}
