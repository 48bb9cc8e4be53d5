//! "At most N uses" under concurrency, on PostgreSQL and SQLite, without a global lock.

use green_channel::eligibility::store::quota::{self, Claim, Reservation};
use sea_orm::TransactionTrait;

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::on_both_backends;
use crate::registry::{NewPolicy, PLAN1, add_policy, date, resident_id};

/// `attempts` writers race for a quota of `limit`, each in its own write transaction.
async fn race(app: &TestApp, policy_id: i64, limit: u32, attempts: usize) -> (usize, usize) {
    let tasks: Vec<_> = (0..attempts)
        .map(|_| {
            let db = app.db.clone();
            tokio::spawn(async move {
                let txn = green_channel::platform::db::write_transaction(&db)
                    .await
                    .expect("begin");
                let claim = Claim {
                    policy_id,
                    quota_key: "escort",
                    period_start: date("2026-01-01"),
                    limit,
                    service_id: "escort",
                    case_id: None,
                };
                let outcome = quota::reserve(&txn, &claim, chrono::Utc::now())
                    .await
                    .expect("reserve");
                txn.commit().await.expect("commit");
                outcome
            })
        })
        .collect();
    let mut reserved = 0;
    let mut exhausted = 0;
    for task in tasks {
        match task.await.expect("joined") {
            Reservation::Reserved { .. } => reserved += 1,
            Reservation::Exhausted => exhausted += 1,
        }
    }
    (reserved, exhausted)
}

async fn concurrent_claims_never_exceed_the_quota(backend: Backend) {
    let app = spawn_app(backend).await;
    let policy = add_policy(
        &app,
        NewPolicy {
            policy_no: "Q-1",
            product: PLAN1,
            name: "钱七",
            id_number: &resident_id("11010519800101777"),
            effective: "2026-01-01",
            status: "in_force",
        },
    )
    .await;
    assert_eq!(race(&app, policy.id, 1, 100).await, (1, 99));

    // A released use frees its slot for the next claim; the others stay taken.
    let txn = app.db.begin().await.expect("begin");
    let claim = Claim {
        policy_id: policy.id,
        quota_key: "escort",
        period_start: date("2026-01-01"),
        limit: 1,
        service_id: "escort",
        case_id: Some(42),
    };
    assert_eq!(
        quota::reserve(&txn, &claim, chrono::Utc::now())
            .await
            .expect("reserve"),
        Reservation::Exhausted
    );
    txn.commit().await.expect("commit");
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    entity::quota_use::Entity::update_many()
        .col_expr(entity::quota_use::Column::State, Expr::value("released"))
        .filter(entity::quota_use::Column::PolicyId.eq(policy.id))
        .exec(&app.db)
        .await
        .expect("release");
    assert_eq!(race(&app, policy.id, 2, 30).await, (2, 28));
}

on_both_backends!(concurrent_claims_never_exceed_the_quota);
