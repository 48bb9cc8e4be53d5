//! The WeChat client on its own: the access token shared across instances, the compare-and-delete
//! of a rejected token, and subscribe messages.

use std::sync::Arc;
use std::time::Duration;

use green_channel::platform::cache::{MemoryCache, SharedCache};
use green_channel::platform::config::WechatSettings;
use green_channel::wechat::{SubscribeMessage, WechatClient, WechatError, errcode};
use secrecy::SecretString;
use serde_json::json;

use crate::fake_wechat::{APP_ID, APP_SECRET, FakeWechat};
use crate::helpers::{redis_cache, redis_url, unique_suffix};

fn settings(fake: &FakeWechat) -> WechatSettings {
    WechatSettings {
        base_url: fake.server.uri(),
        app_id: APP_ID.to_owned(),
        app_secret: Some(SecretString::from(APP_SECRET.to_owned())),
        dev_login: false,
        timeout_ms: 2000,
        push_token: None,
        encoding_aes_key: None,
        miniprogram_state: green_channel::platform::config::MiniprogramState::Formal,
    }
}

/// Two "instances": two clients (two connection pools, two in-process locks) over one cache.
async fn two_instances(
    fake: &FakeWechat,
    redis: bool,
) -> (WechatClient, WechatClient, SharedCache) {
    let (a, b): (SharedCache, SharedCache) = if redis {
        let cache = redis_cache(&redis_url()).await;
        let prefix = format!("gct:{}:", unique_suffix());
        (
            Arc::new(cache.scoped(prefix.clone())),
            Arc::new(cache.scoped(prefix)),
        )
    } else {
        let cache = MemoryCache::new(format!("gct:{}:", unique_suffix()));
        (Arc::new(cache.clone()), Arc::new(cache))
    };
    (
        WechatClient::new(&settings(fake), a.clone()).expect("client"),
        WechatClient::new(&settings(fake), b).expect("client"),
        a,
    )
}

async fn one_token_fetch_across_instances(redis: bool) {
    let fake = FakeWechat::start().await;
    FakeWechat::stable_token()
        .respond_with(FakeWechat::slow(
            FakeWechat::token("ONE-TOKEN", 7200),
            Duration::from_millis(300),
        ))
        .expect(1)
        .mount(&fake.server)
        .await;
    let (a, b, cache) = two_instances(&fake, redis).await;
    let calls = (0..50).map(|i| {
        let client = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move { client.access_token().await.expect("token") }
    });
    let tokens = futures_util::future::join_all(calls).await;
    assert!(tokens.iter().all(|t| t == "ONE-TOKEN"));
    // Cached a little under WeChat's expiry.
    let ttl = cache
        .ttl(&format!("wx:{APP_ID}:access_token"))
        .await
        .expect("ttl")
        .expect("cached");
    assert!(
        ttl <= Duration::from_secs(7200 - 60) && ttl > Duration::from_secs(6900),
        "{ttl:?}"
    );
    fake.server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_callers_on_two_instances_cause_one_token_fetch_with_redis() {
    one_token_fetch_across_instances(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_callers_on_two_instances_cause_one_token_fetch_in_memory() {
    one_token_fetch_across_instances(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_deleted_only_if_it_is_still_the_cached_one() {
    let fake = FakeWechat::start().await;
    // No fetch at all: the first token is seeded, the second is written by "another instance".
    FakeWechat::stable_token()
        .respond_with(FakeWechat::token("UNEXPECTED", 7200))
        .expect(0)
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("OLD")
        .respond_with(FakeWechat::slow(
            FakeWechat::error(40014, "invalid access_token"),
            Duration::from_millis(500),
        ))
        .expect(1)
        .mount(&fake.server)
        .await;
    FakeWechat::phone_number("NEW")
        .respond_with(FakeWechat::phone("13800001234", APP_ID))
        .expect(1)
        .mount(&fake.server)
        .await;
    let (client, _, cache) = two_instances(&fake, true).await;
    let key = format!("wx:{APP_ID}:access_token");
    cache
        .set(&key, b"OLD", Duration::from_secs(600))
        .await
        .expect("seed");
    let other_instance = {
        let (cache, key) = (cache.clone(), key.clone());
        async move {
            tokio::time::sleep(Duration::from_millis(150)).await;
            cache
                .set(&key, b"NEW", Duration::from_secs(600))
                .await
                .expect("replace");
        }
    };
    let (phone, ()) = tokio::join!(client.phone_number("code", "openid"), other_instance);
    assert_eq!(
        phone.expect("retried with the new token").pure_phone_number,
        "13800001234"
    );
    assert_eq!(cache.get(&key).await.expect("get"), Some(b"NEW".to_vec()));
    fake.server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_messages_are_sent_in_the_documented_shape() {
    let fake = FakeWechat::start().await;
    FakeWechat::stable_token()
        .respond_with(FakeWechat::token("SEND-TOKEN", 7200))
        .mount(&fake.server)
        .await;
    FakeWechat::subscribe_send("SEND-TOKEN")
        .and(wiremock::matchers::body_partial_json(
            json!({"touser": "o-ok"}),
        ))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(
            json!({"errcode": 0, "errmsg": "ok", "msgid": 1_988_810_812_324_364_291_u64}),
        ))
        .expect(1)
        .mount(&fake.server)
        .await;
    FakeWechat::subscribe_send("SEND-TOKEN")
        .and(wiremock::matchers::body_partial_json(
            json!({"touser": "o-refused"}),
        ))
        .respond_with(FakeWechat::error(43101, "user refuse to accept the msg"))
        .expect(1)
        .mount(&fake.server)
        .await;
    let (client, _, _) = two_instances(&fake, false).await;
    let message = |touser: &str| SubscribeMessage {
        touser: touser.to_owned(),
        template_id: "TEMPLATE-1".to_owned(),
        page: Some("pages/case/detail?id=1".to_owned()),
        data: json!({"thing1": {"value": "专家门诊"}, "phrase2": {"value": "已安排"}}),
        miniprogram_state: Some("formal".to_owned()),
        lang: None,
    };
    let msgid = client
        .send_subscribe_message(&message("o-ok"))
        .await
        .expect("sent");
    assert_eq!(msgid, 1_988_810_812_324_364_291);
    let refused = client
        .send_subscribe_message(&message("o-refused"))
        .await
        .expect_err("refused");
    assert!(matches!(
        refused,
        WechatError::Api {
            code: errcode::SUBSCRIPTION_QUOTA_EXHAUSTED,
            ..
        }
    ));
    assert!(!refused.is_unavailable());
    let sent = fake.received("/cgi-bin/message/subscribe/send").await;
    assert_eq!(sent[0]["template_id"], "TEMPLATE-1");
    assert_eq!(sent[0]["data"]["thing1"]["value"], "专家门诊");
    assert_eq!(sent[0]["miniprogram_state"], "formal");
    assert!(sent[0].get("lang").is_none());
    fake.server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_app_secret_nothing_is_sent_to_wechat() {
    let fake = FakeWechat::start().await;
    let mut settings = settings(&fake);
    settings.app_secret = None;
    let client = WechatClient::new(&settings, Arc::new(MemoryCache::new("x:"))).expect("client");
    let error = client.code2session("code").await.expect_err("refused");
    // Not an outage: a configuration the local profile may lack (the API says how to log in).
    assert!(matches!(error, WechatError::NotConfigured), "{error}");
    assert!(!error.is_unavailable());
    assert!(
        fake.server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}
