//! The phone button: exchanging its code through the shared WeChat access token, storing the
//! number sealed, showing it masked.

use figment::providers::Serialized;
use serde_json::Value;

use crate::fake_wechat::{APP_ID, FakeWechat, spawn_with};
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;

async fn logged_in(app: &TestApp, name: &str) -> String {
    let login = app.login_ok(&format!("dev:{name}")).await;
    login["access_token"].as_str().expect("token").to_owned()
}

async fn a_bound_phone_is_stored_sealed_and_shown_masked(backend: Backend) {
    let fake = FakeWechat::start().await;
    FakeWechat::stable_token()
        .respond_with(FakeWechat::token("ACCESS-TOKEN-1", 7200))
        .expect(1)
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("ACCESS-TOKEN-1")
        .respond_with(FakeWechat::phone("13912345678", APP_ID))
        .expect(1)
        .mount(&fake.server)
        .await;
    let app = spawn_with(backend, &fake, |f| f).await;
    let token = logged_in(&app, "phone-owner").await;

    let response = app.bind_phone(&token, "phone-code-1").await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(
        body,
        serde_json::json!({"phone": "139****5678", "country_code": "86"})
    );

    let me: Value = app.me(&token).await.json().await.expect("JSON");
    assert_eq!(me["phone"], "139****5678");
    assert_eq!(me["phone_bound"], true);
    assert!(!me.to_string().contains("13912345678"));

    // WeChat was asked with the user's own openid, so a code from another user is refused.
    let sent = fake.received("/wxa/business/getuserphonenumber").await;
    assert_eq!(sent[0]["code"], "phone-code-1");
    assert!(
        sent[0]["openid"]
            .as_str()
            .expect("openid")
            .starts_with("dev-")
    );

    // At rest: ciphertext and a blind index, never the digits.
    use sea_orm::EntityTrait;
    let user = entity::app_user::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("user");
    let sealed = user.phone_enc.expect("sealed phone");
    assert!(!String::from_utf8_lossy(&sealed).contains("13912345678"));
    assert!(!hex::encode(&sealed).contains("13912345678"));
    assert_eq!(user.phone_hash.expect("blind index").len(), 64);
    fake.server.verify().await;
}

async fn fifty_concurrent_calls_fetch_the_access_token_once(backend: Backend) {
    let fake = FakeWechat::start().await;
    FakeWechat::stable_token()
        .respond_with(FakeWechat::slow(
            FakeWechat::token("SHARED-TOKEN", 7200),
            std::time::Duration::from_millis(200),
        ))
        .expect(1)
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("SHARED-TOKEN")
        .respond_with(FakeWechat::phone("13800001234", APP_ID))
        .expect(50)
        .mount(&fake.server)
        .await;
    let app = spawn_with(backend, &fake, |f| {
        f.merge(Serialized::default("limits.phone_per_user_per_hour", 100))
    })
    .await;
    let token = logged_in(&app, "many-phones").await;
    let calls = (0..50).map(|i| {
        let (app, token) = (&app, &token);
        async move {
            app.bind_phone(token, &format!("code-{i}"))
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(calls).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    fake.server.verify().await;
}

async fn an_expired_access_token_is_refreshed_once_and_the_call_retried(backend: Backend) {
    let fake = FakeWechat::start().await;
    // The first fetch gives a token WeChat then calls expired; the second a good one.
    FakeWechat::stable_token()
        .respond_with(FakeWechat::token("EXPIRED-TOKEN", 7200))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    FakeWechat::stable_token()
        .respond_with(FakeWechat::token("FRESH-TOKEN", 7200))
        .expect(1)
        .with_priority(2)
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("EXPIRED-TOKEN")
        .respond_with(FakeWechat::error(42001, "access_token expired"))
        .expect(1)
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("FRESH-TOKEN")
        .respond_with(FakeWechat::phone("13800001234", APP_ID))
        .expect(2)
        .mount(&fake.server)
        .await;
    let app = spawn_with(backend, &fake, |f| f).await;
    let token = logged_in(&app, "expired-token").await;
    assert_eq!(
        app.bind_phone(&token, "code-a").await.status().as_u16(),
        200
    );
    // The fresh token is cached: the next call needs no fetch.
    assert_eq!(
        app.bind_phone(&token, "code-b").await.status().as_u16(),
        200
    );
    fake.server.verify().await;
}

async fn a_token_rejected_twice_is_not_retried_again(backend: Backend) {
    let fake = FakeWechat::start().await;
    FakeWechat::stable_token()
        .respond_with(FakeWechat::token("BAD-TOKEN", 7200))
        .expect(2)
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("BAD-TOKEN")
        .respond_with(FakeWechat::error(40001, "invalid credential"))
        .expect(2)
        .mount(&fake.server)
        .await;
    let app = spawn_with(backend, &fake, |f| f).await;
    let token = logged_in(&app, "rejected-token").await;
    let (status, code, _) = error_body(app.bind_phone(&token, "code").await).await;
    assert_eq!((status, code.as_str()), (503, "wechat_unavailable"));
    fake.server.verify().await;
}

async fn phone_codes_wechat_refuses_change_nothing(backend: Backend) {
    let fake = FakeWechat::start().await;
    FakeWechat::stable_token()
        .respond_with(FakeWechat::token("T", 7200))
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("T")
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"code": "bad"}),
        ))
        .respond_with(FakeWechat::error(40029, "invalid code"))
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("T")
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"code": "other-app"}),
        ))
        .respond_with(FakeWechat::phone("13800001234", "wx-someone-else"))
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("T")
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"code": "busy"}),
        ))
        .respond_with(FakeWechat::error(45011, "api minute-quota reach limit"))
        .mount(&fake.server)
        .await;
    let app = spawn_with(backend, &fake, |f| f).await;
    let token = logged_in(&app, "refused-phone").await;
    for (code, status, expected) in [
        ("bad", 400, "phone_code_invalid"),
        ("other-app", 400, "phone_code_invalid"),
        ("busy", 429, "wechat_rate_limited"),
    ] {
        let (got_status, got_code, _) = error_body(app.bind_phone(&token, code).await).await;
        assert_eq!(
            (got_status, got_code.as_str()),
            (status, expected),
            "{code}"
        );
    }
    let me: Value = app.me(&token).await.json().await.expect("JSON");
    assert_eq!(me["phone_bound"], false);
    let (status, code, _) = error_body(app.bind_phone("not-a-token", "bad").await).await;
    assert_eq!((status, code.as_str()), (401, "token_invalid"));
}

on_both_backends!(
    a_bound_phone_is_stored_sealed_and_shown_masked,
    fifty_concurrent_calls_fetch_the_access_token_once,
    an_expired_access_token_is_refreshed_once_and_the_call_retried,
    a_token_rejected_twice_is_not_retried_again,
    phone_codes_wechat_refuses_change_nothing,
);
