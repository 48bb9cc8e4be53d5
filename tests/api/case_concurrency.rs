//! A one-use service under 100 parallel applications, and 100 parallel retries of one
//! application, on both backends.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::Backend;
use crate::on_both_backends;

async fn one_use_left_yields_exactly_one_case(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let (user, policy) = insured(&app, "race", PLAN3, "2026-01-05", "11010519800101020").await;
    let body = json!({"policy_id": policy, "service": "expert_outpatient",
                      "diagnosis_state": "suspected", "illness_id": "CI-01"});
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let (client, url, user, body) = (
                app.client.clone(),
                app.url("/api/v1/cases"),
                user.clone(),
                body.clone(),
            );
            tokio::spawn(async move {
                let response = client
                    .post(url)
                    .bearer_auth(user)
                    .header("Idempotency-Key", format!("race-application-{i}"))
                    .json(&body)
                    .send()
                    .await
                    .expect("sent");
                let status = response.status().as_u16();
                let body: Value = response.json().await.expect("JSON");
                (status, body["code"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut created = 0;
    let mut exhausted = 0;
    for task in tasks {
        match task.await.expect("joined") {
            (201, _) => created += 1,
            (409, code) if code == "quota_exhausted" => exhausted += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!((created, exhausted), (1, 99));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM service_case").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM quota_use WHERE state <> 'released'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM idempotency_key").await,
        1,
        "refused attempts leave no key"
    );
}

async fn parallel_retries_with_one_key_make_one_case(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let (user, policy) = insured(&app, "retry", PLAN2, "2026-01-05", "11010519800101021").await;
    let body = json!({"policy_id": policy, "service": "escort", "city": "110100",
                      "diagnosis_state": "confirmed", "illness_id": "CI-01"});
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (client, url, user, body) = (
                app.client.clone(),
                app.url("/api/v1/cases"),
                user.clone(),
                body.clone(),
            );
            tokio::spawn(async move {
                let response = client
                    .post(url)
                    .bearer_auth(user)
                    .header("Idempotency-Key", "6f9c1d4e-retry-one-application")
                    .json(&body)
                    .send()
                    .await
                    .expect("sent");
                let status = response.status().as_u16();
                let body: Value = response.json().await.expect("JSON");
                (status, body["id"].as_str().unwrap_or_default().to_owned())
            })
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        let (status, id) = task.await.expect("joined");
        assert_eq!(status, 201);
        ids.insert(id);
    }
    assert_eq!(ids.len(), 1, "every retry got the same case");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM service_case").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM quota_use WHERE state <> 'released'"
        )
        .await,
        1,
        "one use taken (escort allows two)"
    );
}

on_both_backends!(
    one_use_left_yields_exactly_one_case,
    parallel_retries_with_one_key_make_one_case,
);
