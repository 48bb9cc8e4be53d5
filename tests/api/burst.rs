//! A busy host is not an outage: bursts of 200 concurrent requests on PostgreSQL + Redis (case
//! creations, each a write transaction after its reads, and profile reads), run again and again,
//! never get a 503 while every dependency is up.

use futures_util::StreamExt as _;
use serde_json::json;

use crate::case_support::*;
use crate::helpers::Backend;
use crate::registry::PLAN5;

const BURST: usize = 200;
const ROUNDS: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bursts_of_two_hundred_requests_never_answer_503_while_everything_is_up() {
    let app = app_at(Backend::Postgres, "2026-11-23T10:00:00+08:00").await;
    let (user, policy) = insured(&app, "burst", PLAN5, "2026-01-05", "11010519800101008").await;
    let body = json!({"policy_id": policy, "service": "tele_doctor"});
    for round in 0..ROUNDS {
        let started = std::time::Instant::now();
        let answers: Vec<(u16, std::time::Duration)> = futures_util::stream::iter(0..BURST)
            .map(|n| {
                let (app, user, body) = (&app, &user, &body);
                async move {
                    let sent = std::time::Instant::now();
                    let status = if n % 2 == 0 {
                        create(app, user, &format!("burst-{round}-{n}"), body)
                            .await
                            .status()
                            .as_u16()
                    } else {
                        get(app, "/api/v1/me", Some(user)).await.status().as_u16()
                    };
                    (status, sent.elapsed())
                }
            })
            .buffer_unordered(BURST)
            .collect()
            .await;
        let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
        let slowest = answers.iter().map(|(_, t)| *t).max().unwrap_or_default();
        // The figures scripts/bench-outages collects.
        eprintln!(
            "burst figure: round {round}: {BURST} concurrent requests in {} ms, slowest {} ms, 503s: {}",
            started.elapsed().as_millis(),
            slowest.as_millis(),
            statuses.iter().filter(|s| **s == 503).count()
        );
        let unavailable = statuses.iter().filter(|s| **s == 503).count();
        assert_eq!(unavailable, 0, "round {round}: {statuses:?}");
        assert!(
            statuses.iter().all(|s| [200, 201].contains(s)),
            "round {round}: {statuses:?}"
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM service_case").await,
        (ROUNDS * BURST / 2) as i64
    );
}
