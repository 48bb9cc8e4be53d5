//! Taking a use from a quota, under any concurrency, on PostgreSQL and SQLite alike, without a
//! global lock: each use is a row in a numbered slot of its (policy, quota key, period), and a
//! unique index over the *active* slots lets only one writer hold a slot. A writer tries slot 0,
//! 1, … up to the limit with `INSERT … ON CONFLICT DO NOTHING`; on PostgreSQL a concurrent writer
//! of the same slot waits for the first to commit or roll back, then moves on; on SQLite write
//! transactions are serialised (`BEGIN IMMEDIATE`, see `platform::db::write_transaction`).

use chrono::{DateTime, NaiveDate, Utc};
use entity::quota_use::{self, QuotaUseState};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// How a case's end settles its uses.
pub use entity::quota_use::QuotaUseState as Settlement;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    Reserved { quota_use_id: i64, slot: i32 },
    Exhausted,
}

#[derive(Debug)]
pub struct Claim<'a> {
    pub policy_id: i64,
    pub quota_key: &'a str,
    pub period_start: NaiveDate,
    pub limit: u32,
    pub service_id: &'a str,
    pub case_id: Option<i64>,
}

/// Reserves one use, or says the quota is exhausted. Call inside the transaction that creates
/// the case, so the use and the case commit or vanish together.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reserve(
    txn: &impl ConnectionTrait,
    claim: &Claim<'_>,
    now: DateTime<Utc>,
) -> Result<Reservation, DbErr> {
    for slot in 0..i32::try_from(claim.limit).unwrap_or(i32::MAX) {
        let mut insert = Query::insert();
        insert
            .into_table(quota_use::Entity)
            .columns([
                quota_use::Column::PolicyId,
                quota_use::Column::QuotaKey,
                quota_use::Column::PeriodStart,
                quota_use::Column::Slot,
                quota_use::Column::ServiceId,
                quota_use::Column::CaseId,
                quota_use::Column::State,
                quota_use::Column::CreatedAt,
                quota_use::Column::UpdatedAt,
            ])
            .values_panic([
                claim.policy_id.into(),
                claim.quota_key.into(),
                claim.period_start.into(),
                slot.into(),
                claim.service_id.into(),
                claim.case_id.into(),
                QuotaUseState::Reserved.into(),
                now.into(),
                now.into(),
            ])
            .on_conflict(
                OnConflict::columns([
                    quota_use::Column::PolicyId,
                    quota_use::Column::QuotaKey,
                    quota_use::Column::PeriodStart,
                    quota_use::Column::Slot,
                ])
                // A literal, not a bound value: the planner must see it imply the index's predicate.
                .target_and_where(Expr::cust("state <> 'released'"))
                .do_nothing()
                .to_owned(),
            )
            .returning_col(quota_use::Column::Id);
        let statement = txn.get_database_backend().build(&insert);
        if let Some(row) = txn.query_one_raw(statement).await? {
            let quota_use_id: i64 = row.try_get("", "id")?;
            return Ok(Reservation::Reserved { quota_use_id, slot });
        }
    }
    Ok(Reservation::Exhausted)
}

/// Ties a reservation to the case it was taken for.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn attach(
    txn: &impl ConnectionTrait,
    quota_use_id: i64,
    case_id: i64,
) -> Result<(), DbErr> {
    quota_use::Entity::update_many()
        .col_expr(quota_use::Column::CaseId, Expr::value(case_id))
        .filter(quota_use::Column::Id.eq(quota_use_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Moves a case's active uses to consumed or released.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn settle(
    txn: &impl ConnectionTrait,
    case_id: i64,
    state: QuotaUseState,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = quota_use::Entity::update_many()
        .col_expr(quota_use::Column::State, Expr::value(state))
        .col_expr(quota_use::Column::UpdatedAt, Expr::value(now))
        .filter(quota_use::Column::CaseId.eq(case_id))
        .filter(quota_use::Column::State.ne(QuotaUseState::Released))
        .exec(txn)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;

    use super::QuotaUseState;

    #[test]
    fn uses_are_stored_under_the_words_rows_and_the_index_already_hold() {
        assert_eq!(QuotaUseState::Reserved.to_value(), "reserved");
        assert_eq!(QuotaUseState::Consumed.to_value(), "consumed");
        // The literal in `reserve`'s conflict target and in the index's predicate.
        assert_eq!(QuotaUseState::Released.to_value(), "released");
    }
}
