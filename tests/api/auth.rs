//! WeChat login, sessions, refresh-token rotation and the token checks, against a fake WeChat.

use std::time::Duration;

use figment::providers::Serialized;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::fake_wechat::{FakeWechat, spawn_with};
use crate::helpers::{Backend, error_body};
use crate::on_both_backends;

const JWT_SECRET: &str = "local-dev-only-jwt-secret-not-for-production-use";

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {value}"))
}

async fn a_wechat_code_logs_in_and_keeps_the_session_key_server_side(backend: Backend) {
    let fake = FakeWechat::start().await;
    FakeWechat::code2session("code-1")
        .respond_with(FakeWechat::session("o-openid-1", "SESSIONKEY-1==", None))
        .expect(1)
        .mount(&fake.server)
        .await;
    FakeWechat::code2session("code-2")
        .respond_with(FakeWechat::session(
            "o-openid-1",
            "SESSIONKEY-2==",
            Some("u-union-1"),
        ))
        .expect(1)
        .mount(&fake.server)
        .await;
    let app = spawn_with(backend, &fake, |f| f).await;

    let first = app.login_ok("code-1").await;
    assert_eq!(first["token_type"], "Bearer");
    assert!(first["expires_in"].as_u64().expect("expires_in") <= 1800);
    assert_eq!(first["user"]["phone_bound"], false);
    let text = first.to_string();
    assert!(
        !text.contains("SESSIONKEY") && !text.contains("o-openid-1"),
        "{text}"
    );

    // The same WeChat user again: the same account, and the unionid WeChat now reports is kept.
    let second = app.login_ok("code-2").await;
    assert_eq!(first["user"]["id"], second["user"]["id"]);
    assert_eq!(app.user_count().await, 1);
    use sea_orm::EntityTrait;
    let user = entity::app_user::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("a user");
    assert_eq!(user.openid, "o-openid-1");
    assert_eq!(user.unionid.as_deref(), Some("u-union-1"));

    // The session key is in the cache, sealed; not in plain text anywhere we can read.
    let sealed = app
        .cache
        .get(&format!("wxsk:{}", user.id))
        .await
        .expect("cache")
        .expect("session key stored");
    assert!(!String::from_utf8_lossy(&sealed).contains("SESSIONKEY"));

    let me: Value = app
        .me(str_of(&second, "access_token"))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["id"], second["user"]["id"]);
    fake.server.verify().await;
}

async fn each_wechat_refusal_has_its_own_code_and_creates_no_user(backend: Backend) {
    let fake = FakeWechat::start().await;
    let cases = [
        (40029, "invalid code", 400, "wechat_code_invalid"),
        (40163, "code been used", 400, "wechat_code_used"),
        (
            45011,
            "api minute-quota reach limit",
            429,
            "wechat_rate_limited",
        ),
        (40226, "high risk user", 403, "wechat_user_blocked"),
    ];
    for (errcode, message, _, _) in cases {
        FakeWechat::code2session(&format!("code-{errcode}"))
            .respond_with(FakeWechat::error(errcode, message))
            .expect(1)
            .mount(&fake.server)
            .await;
    }
    let app = spawn_with(backend, &fake, |f| f).await;
    for (errcode, _, status, code) in cases {
        let response = app.wechat_login(&format!("code-{errcode}")).await;
        let retry_after = response.headers().get("retry-after").cloned();
        let (got_status, got_code, _) = error_body(response).await;
        assert_eq!(
            (got_status, got_code.as_str()),
            (status, code),
            "errcode {errcode}"
        );
        if status == 429 {
            assert!(retry_after.is_some(), "429 carries Retry-After");
        }
    }
    // A refused code stays refused without asking WeChat again (expect(1) above).
    let (status, code, _) = error_body(app.wechat_login("code-40029").await).await;
    assert_eq!((status, code.as_str()), (400, "wechat_code_invalid"));
    assert_eq!(app.user_count().await, 0);
    fake.server.verify().await;
}

async fn a_busy_wechat_is_retried_a_bounded_number_of_times(backend: Backend) {
    let fake = FakeWechat::start().await;
    // Busy twice, then fine: the login succeeds after three calls.
    FakeWechat::code2session("busy-then-ok")
        .respond_with(FakeWechat::error(-1, "system error"))
        .up_to_n_times(2)
        .expect(2)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    FakeWechat::code2session("busy-then-ok")
        .respond_with(FakeWechat::session("o-busy", "k", None))
        .expect(1)
        .with_priority(2)
        .mount(&fake.server)
        .await;
    // Busy for good: three calls, then a 503, never a loop.
    FakeWechat::code2session("always-busy")
        .respond_with(FakeWechat::error(-1, "system error"))
        .expect(3)
        .mount(&fake.server)
        .await;
    let app = spawn_with(backend, &fake, |f| f).await;
    app.login_ok("busy-then-ok").await;
    let response = app.wechat_login("always-busy").await;
    assert!(response.headers().contains_key("retry-after"));
    let (status, code, _) = error_body(response).await;
    assert_eq!((status, code.as_str()), (503, "wechat_unavailable"));
    fake.server.verify().await;
}

async fn a_slow_or_garbled_wechat_is_a_503_and_creates_no_user(backend: Backend) {
    let fake = FakeWechat::start().await;
    FakeWechat::code2session("slow")
        .respond_with(FakeWechat::slow(
            FakeWechat::session("o-slow", "k", None),
            Duration::from_secs(3),
        ))
        .mount(&fake.server)
        .await;
    FakeWechat::code2session("garbled")
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_raw("<html>502 Bad Gateway</html>", "text/html"),
        )
        .mount(&fake.server)
        .await;
    FakeWechat::code2session("truncated")
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_raw(r#"{"openid": "o-tr"#, "application/json"),
        )
        .mount(&fake.server)
        .await;
    FakeWechat::code2session("http-500")
        .respond_with(wiremock::ResponseTemplate::new(500))
        .mount(&fake.server)
        .await;
    let app = spawn_with(backend, &fake, |f| {
        f.merge(Serialized::default("wechat.timeout_ms", 300))
    })
    .await;
    for code in ["slow", "garbled", "truncated", "http-500"] {
        let (status, error, _) = error_body(app.wechat_login(code).await).await;
        assert_eq!(
            (status, error.as_str()),
            (503, "wechat_unavailable"),
            "{code}"
        );
    }
    assert_eq!(app.user_count().await, 0);
}

async fn concurrent_logins_with_one_code_share_one_upstream_call(backend: Backend) {
    let fake = FakeWechat::start().await;
    FakeWechat::code2session("double-fire")
        .respond_with(FakeWechat::slow(
            FakeWechat::session("o-double", "k", None),
            Duration::from_millis(300),
        ))
        .expect(1)
        .mount(&fake.server)
        .await;
    let app = spawn_with(backend, &fake, |f| f).await;
    let (a, b) = tokio::join!(
        app.wechat_login("double-fire"),
        app.wechat_login("double-fire")
    );
    let (a, b): (Value, Value) = (a.json().await.expect("JSON"), b.json().await.expect("JSON"));
    assert_eq!(a["user"]["id"], b["user"]["id"], "{a} {b}");
    assert!(a["access_token"].is_string() && b["access_token"].is_string());
    assert_eq!(app.user_count().await, 1);
    fake.server.verify().await;
}

/// Signs claims with the app's own (local) secret, so only the aspect under test is wrong.
fn forge(claims: &Value, algorithm: Algorithm) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .expect("signed")
}

fn claims_of(token: &str) -> Value {
    use base64::Engine as _;
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    serde_json::from_slice(&bytes).expect("claims")
}

async fn bad_tokens_are_refused_each_with_its_own_code(backend: Backend) {
    use base64::Engine as _;
    let fake = FakeWechat::start().await;
    let app = spawn_with(backend, &fake, |f| f).await;
    let login = app.login_ok("dev:token-checks").await;
    let good = str_of(&login, "access_token");
    assert_eq!(app.me(good).await.status().as_u16(), 200);
    let claims = claims_of(good);
    let now = chrono::Utc::now().timestamp();

    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&claims)
    );
    let hs512 = forge(&claims, Algorithm::HS512);
    let mut console = claims.clone();
    console["aud"] = json!("console");
    let wrong_audience = forge(&console, Algorithm::HS256);
    let mut old = claims.clone();
    old["iat"] = json!(now - 7200);
    old["exp"] = json!(now - 3600);
    let expired = forge(&old, Algorithm::HS256);
    let tampered = format!("{}x", &good[..good.len() - 1]);

    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("sent");
    assert!(response.headers().contains_key("www-authenticate"));
    let (status, code, _) = error_body(response).await;
    assert_eq!((status, code.as_str()), (401, "token_missing"));

    for (token, expected) in [
        (alg_none.as_str(), "token_algorithm_invalid"),
        (hs512.as_str(), "token_algorithm_invalid"),
        (wrong_audience.as_str(), "token_audience_invalid"),
        (expired.as_str(), "token_expired"),
        (tampered.as_str(), "token_invalid"),
        ("not-a-jwt", "token_invalid"),
    ] {
        let (status, code, _) = error_body(app.me(token).await).await;
        assert_eq!((status, code.as_str()), (401, expected), "{expected}");
    }

    // Logged out: the same, still unexpired token stops working at once.
    assert_eq!(app.logout(good).await.status().as_u16(), 204);
    let (status, code, _) = error_body(app.me(good).await).await;
    assert_eq!((status, code.as_str()), (401, "session_revoked"));
    let (status, code, _) = error_body(app.refresh(str_of(&login, "refresh_token")).await).await;
    assert_eq!((status, code.as_str()), (401, "session_revoked"));
}

async fn refresh_rotates_and_a_reused_refresh_token_ends_the_session(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = spawn_with(backend, &fake, |f| f).await;
    let login = app.login_ok("dev:rotation").await;
    let first_refresh = str_of(&login, "refresh_token");

    let response = app.refresh(first_refresh).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let rotated: Value = response.json().await.expect("JSON");
    let second_refresh = str_of(&rotated, "refresh_token");
    let sibling_access = str_of(&rotated, "access_token");
    assert_ne!(first_refresh, second_refresh);
    assert_eq!(rotated["user"]["id"], login["user"]["id"]);
    assert_eq!(app.me(sibling_access).await.status().as_u16(), 200);

    // The first refresh token again: somebody copied it. The whole session ends, including
    // the access token issued beside the rotated refresh token.
    let (status, code, _) = error_body(app.refresh(first_refresh).await).await;
    assert_eq!((status, code.as_str()), (401, "refresh_token_reused"));
    let (status, code, _) = error_body(app.me(sibling_access).await).await;
    assert_eq!((status, code.as_str()), (401, "session_revoked"));
    let (status, code, _) = error_body(app.refresh(second_refresh).await).await;
    assert_eq!((status, code.as_str()), (401, "session_revoked"));

    let (status, code, _) = error_body(app.refresh("never-issued").await).await;
    assert_eq!((status, code.as_str()), (401, "refresh_token_invalid"));
}

async fn login_and_refresh_are_rate_limited(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = spawn_with(backend, &fake, |f| {
        f.merge(Serialized::default("limits.login_per_ip_per_minute", 3))
            .merge(Serialized::default(
                "limits.refresh_per_session_per_hour",
                1,
            ))
    })
    .await;
    let login = app.login_ok("dev:limited-a").await;
    app.login_ok("dev:limited-b").await;
    app.login_ok("dev:limited-c").await;
    let response = app.wechat_login("dev:limited-d").await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let (status, code, _) = error_body(response).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));

    let refreshed: Value = app
        .refresh(str_of(&login, "refresh_token"))
        .await
        .json()
        .await
        .expect("JSON");
    let next = str_of(&refreshed, "refresh_token");
    let (status, code, _) = error_body(app.refresh(next).await).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    // The limited token was not used up: it is not "reused" later.
    app.cache
        .delete(&format!(
            "rl:refresh:sid:{}",
            claims_of(str_of(&refreshed, "access_token"))["sid"]
                .as_str()
                .expect("sid")
        ))
        .await
        .expect("reset the window");
    assert_eq!(app.refresh(next).await.status().as_u16(), 200);
}

async fn dev_login_is_stable_and_can_be_switched_off(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = spawn_with(backend, &fake, |f| f).await;
    let a = app.login_ok("dev:alice").await;
    let again = app.login_ok("dev:alice").await;
    let bob = app.login_ok("dev:bob").await;
    assert_eq!(a["user"]["id"], again["user"]["id"]);
    assert_ne!(a["user"]["id"], bob["user"]["id"]);
    assert!(fake.received("/sns/jscode2session").await.is_empty());

    let off = spawn_with(backend, &fake, |f| {
        f.merge(Serialized::default("wechat.dev_login", false))
    })
    .await;
    let (status, code, _) = error_body(off.wechat_login("dev:alice").await).await;
    assert_eq!((status, code.as_str()), (400, "dev_login_disabled"));
}

/// The local profile without WeChat credentials: a real code is a 400 that says how to log in
/// locally, not a 503 that reads like an outage; the phone button likewise.
async fn without_wechat_credentials_a_real_code_says_how_to_log_in_locally(backend: Backend) {
    let app = crate::helpers::spawn_app(backend).await;
    let (status, code, _) =
        error_body(app.wechat_login("0a3Xk2000yZ1AB1Yz0300WcZqL3Xk20X").await).await;
    assert_eq!((status, code.as_str()), (400, "wechat_not_configured"));
    let refused = app
        .wechat_login("0a3Xk2000yZ1AB1Yz0300WcZqL3Xk20X")
        .await
        .json::<Value>()
        .await
        .expect("JSON");
    assert!(
        refused["message"]
            .as_str()
            .expect("message")
            .contains("dev:"),
        "{refused}"
    );
    assert_eq!(app.user_count().await, 0);
    let login = app.login_ok("dev:local").await;
    let token = login["access_token"].as_str().expect("token");
    let phone = app
        .post_json(
            "/api/v1/me/phone",
            &json!({"code": "a-real-phone-code"}),
            Some(token),
        )
        .await;
    let (status, code, _) = error_body(phone).await;
    assert_eq!((status, code.as_str()), (400, "wechat_not_configured"));
}

async fn a_login_request_without_a_usable_code_is_a_422(backend: Backend) {
    let fake = FakeWechat::start().await;
    let app = spawn_with(backend, &fake, |f| f).await;
    for body in [
        json!({}),
        json!({"code": ""}),
        json!({"code": "has space"}),
        json!({"code": 42}),
    ] {
        let response = app
            .post_json("/api/v1/auth/wechat-login", &body, None)
            .await;
        let (status, code, _) = error_body(response).await;
        assert_eq!((status, code.as_str()), (422, "invalid_body"), "{body}");
    }
    assert_eq!(app.user_count().await, 0);
}

on_both_backends!(
    a_wechat_code_logs_in_and_keeps_the_session_key_server_side,
    each_wechat_refusal_has_its_own_code_and_creates_no_user,
    a_busy_wechat_is_retried_a_bounded_number_of_times,
    a_slow_or_garbled_wechat_is_a_503_and_creates_no_user,
    concurrent_logins_with_one_code_share_one_upstream_call,
    bad_tokens_are_refused_each_with_its_own_code,
    refresh_rotates_and_a_reused_refresh_token_ends_the_session,
    login_and_refresh_are_rate_limited,
    dev_login_is_stable_and_can_be_switched_off,
    a_login_request_without_a_usable_code_is_a_422,
    without_wechat_credentials_a_real_code_says_how_to_log_in_locally,
);
