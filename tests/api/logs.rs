//! Personal data and secrets never reach a log line. The binary runs at `debug` with JSON logs
//! on PostgreSQL and Redis against a fake WeChat, goes through login, phone binding, refresh,
//! reuse, logout and failures, and its whole log is searched for every secret it handled.

use std::time::Duration;

use serde_json::{Value, json};

use crate::binary::serve_with;
use crate::fake_wechat::{APP_ID, APP_SECRET, FakeWechat};
use crate::helpers::{create_postgres_database, redis_url};

const OPENID: &str = "oSecretOpenid_4f2a9c";
const UNIONID: &str = "uSecretUnionid_77b1e0";
const SESSION_KEY: &str = "SecretSessionKey/Qz9w==";
const JS_CODE: &str = "SecretJsCode_0a1b2c3d";
const BAD_JS_CODE: &str = "SecretBadJsCode_9z8y";
const PHONE_CODE: &str = "SecretPhoneCode_55aa";
const WECHAT_TOKEN: &str = "SecretWechatAccessToken_81c4";
const PHONE: &str = "13712345678";
const POLICY_PHONE: &str = "13655556666";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_carries_personal_data_or_secrets() {
    let fake = FakeWechat::start().await;
    FakeWechat::code2session(JS_CODE)
        .respond_with(FakeWechat::session(OPENID, SESSION_KEY, Some(UNIONID)))
        .mount(&fake.server)
        .await;
    FakeWechat::code2session(BAD_JS_CODE)
        .respond_with(FakeWechat::error(40029, "invalid code"))
        .mount(&fake.server)
        .await;
    FakeWechat::stable_token()
        .respond_with(FakeWechat::token(WECHAT_TOKEN, 7200))
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number(WECHAT_TOKEN)
        .respond_with(FakeWechat::phone(PHONE, APP_ID))
        .mount(&fake.server)
        .await;

    let dir = tempfile::tempdir().expect("temp dir");
    let log_path = dir.path().join("app.log");
    let log_file = std::fs::File::create(&log_path).expect("log file");
    let (_, database_url) = create_postgres_database().await;
    let redis = redis_url();
    let base_url = fake.server.uri();
    let (mut child, base) = serve_with(
        &dir,
        &[
            ("APP_LOG__FORMAT", "json"),
            ("APP_LOG__FILTER", "debug"),
            // Every span as it closes, with its fields: none may carry personal data either.
            ("APP_LOG__SPAN_EVENTS", "close"),
            ("APP_DATABASE__URL", &database_url),
            ("APP_CACHE__BACKEND", "redis"),
            ("APP_CACHE__KEY_PREFIX", "gct:logs:"),
            ("APP_REDIS__URL", &redis),
            ("APP_WECHAT__BASE_URL", &base_url),
            ("APP_WECHAT__APP_ID", APP_ID),
            ("APP_WECHAT__APP_SECRET", APP_SECRET),
        ],
        Some(log_file),
    )
    .await;

    // A policy for the same person, imported through the CLI with the same logging.
    let id_number = crate::registry::resident_id("33010219881212345");
    let csv = dir.path().join("policies.csv");
    std::fs::write(
        &csv,
        format!(
            "policy_no,product_code,insured_name,id_type,id_number,phone,effective_date\nLOG-1,yingshi-ci-green-channel,林一,resident_id,{id_number},{POLICY_PHONE},2025-01-01\n"
        ),
    )
    .expect("write");
    let import = crate::binary::green_channel(
        &["import-policies", csv.to_str().expect("utf-8")],
        &[
            ("APP_LOG__FORMAT", "json"),
            ("APP_LOG__FILTER", "debug"),
            ("APP_DATABASE__URL", &database_url),
        ],
    )
    .output()
    .await
    .expect("runs");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let import_log = String::from_utf8_lossy(&import.stderr).into_owned();

    green_channel::platform::crypto::install_tls_provider();
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value, token: Option<String>| {
        let mut request = client.post(format!("{base}{path}")).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let login: Value = post("/api/v1/auth/wechat-login", json!({"code": JS_CODE}), None)
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    let access = login["access_token"].as_str().expect("access").to_owned();
    let refresh = login["refresh_token"].as_str().expect("refresh").to_owned();
    let bad = post(
        "/api/v1/auth/wechat-login",
        json!({"code": BAD_JS_CODE}),
        None,
    )
    .await
    .expect("sent");
    assert_eq!(bad.status().as_u16(), 400);
    let phone = post(
        "/api/v1/me/phone",
        json!({"code": PHONE_CODE}),
        Some(access.clone()),
    )
    .await
    .expect("sent");
    assert_eq!(phone.status().as_u16(), 200);
    // Binding by name and ID number, and what the policy entitles to: the identity passes
    // through the policies area's service and store spans.
    let bound: Value = post(
        "/api/v1/policies/bind",
        json!({"name": "林一", "id_type": "resident_id", "id_number": id_number}),
        Some(access.clone()),
    )
    .await
    .expect("sent")
    .json()
    .await
    .expect("JSON");
    let policy_id = bound["policies"][0]["id"]
        .as_str()
        .expect("bound")
        .to_owned();
    let entitlements = client
        .get(format!("{base}/api/v1/policies/{policy_id}/entitlements"))
        .bearer_auth(&access)
        .send()
        .await
        .expect("sent");
    assert_eq!(entitlements.status().as_u16(), 200);
    let me = client
        .get(format!("{base}/api/v1/me?phone={PHONE}&openid={OPENID}"))
        .bearer_auth(&access)
        .send()
        .await
        .expect("sent");
    assert_eq!(me.status().as_u16(), 200);
    let rotated: Value = post(
        "/api/v1/auth/refresh",
        json!({"refresh_token": refresh}),
        None,
    )
    .await
    .expect("sent")
    .json()
    .await
    .expect("JSON");
    let next_refresh = rotated["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let next_access = rotated["access_token"].as_str().expect("access").to_owned();
    let reused = post(
        "/api/v1/auth/refresh",
        json!({"refresh_token": refresh}),
        None,
    )
    .await
    .expect("sent");
    assert_eq!(reused.status().as_u16(), 401);
    post("/api/v1/auth/logout", json!({}), Some(next_access.clone()))
        .await
        .expect("sent");
    let wrong = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(format!("{access}x"))
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong.status().as_u16(), 401);

    child.start_kill().expect("stop");
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    let log = std::fs::read_to_string(&log_path).expect("log") + &import_log;
    assert!(log.lines().count() > 10, "the app logged at debug: {log}");
    assert!(
        log.contains("logged in") && log.contains("phone bound"),
        "{log}"
    );
    // The spans were logged (so the search below covers their fields): the area service and
    // the store calls under it, each line with the request's chain of spans.
    for span in [
        "\"bind\"",
        "\"find_by_id_index\"",
        "\"entitlements\"",
        "\"uses\"",
    ] {
        assert!(log.contains(span), "a span {span} was logged: {log}");
    }
    assert!(
        log.contains("\"spans\":[{"),
        "lines carry their span chain: {log}"
    );
    let masked = "137****5678";
    for secret in [
        OPENID,
        UNIONID,
        SESSION_KEY,
        JS_CODE,
        BAD_JS_CODE,
        PHONE_CODE,
        WECHAT_TOKEN,
        APP_SECRET,
        PHONE,
        &access,
        &refresh,
        &next_refresh,
        &next_access,
        &id_number,
        &id_number[6..14],
        POLICY_PHONE,
        "林一",
    ] {
        for (number, line) in log.lines().enumerate() {
            assert!(
                !line.contains(secret),
                "log line {number} carries a secret or personal data: {line}"
            );
        }
    }
    // Not even masked numbers: logs have no business with phones.
    assert!(!log.contains(masked));
}
