//! An account deleted while one of its applications is in flight (PostgreSQL, where the two
//! run at once; SQLite writes one transaction at a time). The deletion removes the account's
//! bindings first, and an application holds its binding until its case is written: whichever
//! comes second sees the other's work. Each side is played here by a transaction of the test's
//! own, held open while the service's request waits on it.

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, TransactionTrait};
use serde_json::json;

use crate::case_support::*;
use crate::helpers::{Backend, TestApp, database_url, error_body};

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

/// A connection of the test's own to the app's database.
async fn own_connection(app: &TestApp) -> DatabaseConnection {
    Database::connect(database_url(app))
        .await
        .expect("connects")
}

async fn user_row(app: &TestApp) -> i64 {
    count(app, "SELECT MAX(id) FROM app_user").await
}

/// Whether `request` is still waiting after a moment.
async fn still_waiting<T>(request: &tokio::task::JoinHandle<T>) -> bool {
    tokio::time::sleep(Duration::from_millis(400)).await;
    !request.is_finished()
}

#[tokio::test]
async fn an_application_after_the_deletion_took_the_bindings_finds_none() {
    let app = app_at(Backend::Postgres, MONDAY).await;
    let (token, policy) = insured(&app, "race-a", PLAN3, "2026-01-05", "11010519800101051").await;
    let user = user_row(&app).await;
    // The deletion, mid-way: its bindings removed, not yet committed.
    let own = own_connection(&app).await;
    let deletion = own.begin().await.expect("begins");
    deletion
        .execute_unprepared(&format!(
            "DELETE FROM policy_binding WHERE user_id = {user}"
        ))
        .await
        .expect("unbound");
    // The application (its policy read before, still bound as far as it knows) waits…
    let application = tokio::spawn({
        let (client, url) = (app.client.clone(), app.url("/api/v1/cases"));
        let body = json!({"policy_id": policy, "service": "expert_outpatient",
                          "diagnosis_state": "confirmed", "illness_id": "CI-01",
                          "city": "110100", "hospital_id": "3a-0006"});
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .json(&body)
                .send()
                .await
                .expect("sent")
        }
    });
    assert!(
        still_waiting(&application).await,
        "the application waits for the deletion"
    );
    // …and once the deletion commits, finds the policy no longer the caller's: no case.
    deletion.commit().await.expect("committed");
    let answer = application.await.expect("answered");
    let (status, code, _) = error_body(answer).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM service_case").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM quota_use").await, 0);
}

#[tokio::test]
async fn a_deletion_waits_for_an_application_in_flight_and_refuses() {
    let app = app_at(Backend::Postgres, MONDAY).await;
    let (token, policy) = insured(&app, "race-b", PLAN3, "2026-01-05", "11010519800101052").await;
    let user = user_row(&app).await;
    // A case that ended: alone, it would not stop the deletion.
    let case = created(&app, &token, &beijing_outpatient(&policy)).await;
    cancel(&app, &token, &id(&case)).await;
    // An application in flight: it holds its binding and writes an open case, not yet
    // committed (played by the ended case opened again).
    let own = own_connection(&app).await;
    let application = own.begin().await.expect("begins");
    application
        .execute_unprepared(&format!(
            "SELECT id FROM policy_binding WHERE user_id = {user} FOR SHARE"
        ))
        .await
        .expect("held");
    application
        .execute_unprepared(&format!(
            "UPDATE service_case SET closed_at = NULL WHERE user_id = {user}"
        ))
        .await
        .expect("an open case");
    // The deletion waits for it…
    let deletion = tokio::spawn({
        let (client, url) = (app.client.clone(), app.url("/api/v1/me"));
        async move {
            client
                .delete(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("sent")
        }
    });
    assert!(
        still_waiting(&deletion).await,
        "the deletion waits for the application"
    );
    // …then sees its case, and deletes nothing.
    application.commit().await.expect("committed");
    let (status, code, _) = error_body(deletion.await.expect("answered")).await;
    assert_eq!((status, code.as_str()), (409, "open_cases"));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM app_user WHERE deleted_at IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM policy_binding").await, 1);
}
