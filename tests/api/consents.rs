//! The separate consent to process medical records (PIPL Art. 29): versioned, recorded,
//! withdrawable, with its history kept.

use serde_json::{Value, json};

use crate::case_support::{count, get};
use crate::helpers::{Backend, error_body, spawn_app};
use crate::on_both_backends;

async fn consent_is_versioned_recorded_and_withdrawable(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.login_ok("dev:consenting").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let list: Value = get(&app, "/api/v1/me/consents", Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    let consent = &list[0];
    assert_eq!(consent["purpose"], "medical_records");
    assert_eq!(consent["accepted"], false);
    assert!(
        consent["text"]
            .as_str()
            .expect("text")
            .contains("敏感个人信息")
    );
    let version = consent["version"].as_str().expect("version").to_owned();

    let (status, code, details) = error_body(
        app.post_json(
            "/api/v1/me/consents",
            &json!({"purpose": "medical_records", "version": "2020-01"}),
            Some(&user),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "consent_version_outdated"));
    assert_eq!(details["current_version"], version.as_str());
    let (status, code, _) = error_body(
        app.post_json(
            "/api/v1/me/consents",
            &json!({"purpose": "marketing", "version": version}),
            Some(&user),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "unknown_consent"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM user_consent").await, 0);

    let accepted = app
        .post_json(
            "/api/v1/me/consents",
            &json!({"purpose": "medical_records", "version": version}),
            Some(&user),
        )
        .await;
    assert_eq!(accepted.status().as_u16(), 201);
    let again = app
        .post_json(
            "/api/v1/me/consents",
            &json!({"purpose": "medical_records", "version": version}),
            Some(&user),
        )
        .await;
    assert_eq!(again.status().as_u16(), 200, "accepting twice records once");
    let (purpose, current) =
        green_channel::consents::medical_records_version(&app.state.settings.retention);
    assert!(
        green_channel::consents::has_current(
            &app.db,
            user_id(&app, &user).await,
            (purpose, &current)
        )
        .await
        .expect("query")
    );

    let withdrawn: Value = app
        .post_json(
            "/api/v1/me/consents/medical_records/withdraw",
            &json!({}),
            Some(&user),
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(withdrawn["accepted"], false);
    assert!(withdrawn["withdrawn_at"].is_string());
    // Accepting again after a withdrawal is a new record; the history stays.
    let renewed = app
        .post_json(
            "/api/v1/me/consents",
            &json!({"purpose": "medical_records", "version": version}),
            Some(&user),
        )
        .await;
    assert_eq!(renewed.status().as_u16(), 201);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM user_consent").await, 2);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM user_consent WHERE withdrawn_at IS NOT NULL"
        )
        .await,
        1
    );
    let (status, _, _) = error_body(get(&app, "/api/v1/me/consents", None).await).await;
    assert_eq!(status, 401);
}

async fn user_id(app: &crate::helpers::TestApp, token: &str) -> i64 {
    let me: Value = app.me(token).await.json().await.expect("JSON");
    let public_id: uuid::Uuid = me["id"].as_str().expect("id").parse().expect("uuid");
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::app_user::Entity::find()
        .filter(entity::app_user::Column::PublicId.eq(public_id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("user")
        .id
}

on_both_backends!(consent_is_versioned_recorded_and_withdrawable);
