//! WeChat's message push in safe mode, with payloads encrypted here by the documented algorithm:
//! the URL check, popup events adding or confirming grants, a retry recorded once, the user
//! turning a template off, delivery results; tampered, replayed, foreign and unsigned pushes are
//! refused and change nothing.

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use base64::Engine as _;
use figment::providers::Serialized;
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

use crate::case_support::*;
use crate::fake_wechat::APP_ID;
use crate::helpers::{Backend, TestApp, error_body};
use crate::notify_support::*;
use crate::on_both_backends;
use crate::registry::PLAN5;

const TOKEN: &str = "gcPushToken2026";

fn encoding_aes_key() -> String {
    let key: Vec<u8> = (0u8..32)
        .map(|i| i.wrapping_mul(7).wrapping_add(3))
        .collect();
    base64::engine::general_purpose::STANDARD
        .encode(key)
        .trim_end_matches('=')
        .to_owned()
}

fn sign(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    hex::encode(Sha1::digest(sorted.concat().as_bytes()))
}

/// WeChat's envelope: 16 random bytes ‖ length (big-endian) ‖ message ‖ appid, PKCS#7 to a
/// 32-byte block, AES-256-CBC with the key's first 16 bytes as IV, base64.
fn encrypt(message: &str, app_id: &str) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(format!("{}=", encoding_aes_key()))
        .expect("key");
    let mut plain = vec![0x5au8; 16];
    plain.extend_from_slice(&(message.len() as u32).to_be_bytes());
    plain.extend_from_slice(message.as_bytes());
    plain.extend_from_slice(app_id.as_bytes());
    let pad = 32 - plain.len() % 32;
    plain.extend(std::iter::repeat_n(pad as u8, pad));
    let len = plain.len();
    let cipher = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &key[..16]).expect("key");
    let encrypted = cipher
        .encrypt_padded::<NoPadding>(&mut plain, len)
        .expect("whole blocks")
        .to_vec();
    base64::engine::general_purpose::STANDARD.encode(encrypted)
}

async fn push_app(backend: Backend) -> (TestApp, crate::fake_wechat::FakeWechat) {
    let fake = fake().await;
    let app = crate::fake_wechat::spawn_with(backend, &fake, |f| {
        f.merge(Serialized::default("wechat.push_token", TOKEN))
            .merge(Serialized::default(
                "wechat.encoding_aes_key",
                encoding_aes_key(),
            ))
            .merge(Serialized::default("worker.in_process", false))
    })
    .await;
    (app, fake)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// POSTs `event` as WeChat would: encrypted, signed, at `timestamp`.
async fn push(app: &TestApp, event: &Value, timestamp: i64, tamper: bool) -> reqwest::Response {
    let encrypted = encrypt(&event.to_string(), APP_ID);
    let (timestamp, nonce) = (timestamp.to_string(), "1320562132");
    let mut signature = sign(&[TOKEN, &timestamp, nonce, &encrypted]);
    if tamper {
        signature.replace_range(0..1, if signature.starts_with('0') { "1" } else { "0" });
    }
    app.client
        .post(app.url(&format!(
            "/api/v1/wechat/push?signature=x&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes&msg_signature={signature}"
        )))
        .json(&json!({ "ToUserName": "gh_123456789abc", "Encrypt": encrypted }))
        .send()
        .await
        .expect("request")
}

fn popup(openid: &str, created: i64, entries: Value) -> Value {
    json!({
        "ToUserName": "gh_123456789abc", "FromUserName": openid, "CreateTime": created,
        "MsgType": "event", "Event": "subscribe_msg_popup_event",
        "SubscribeMsgPopupEvent": entries,
    })
}

async fn the_url_check_echoes_only_for_wechat(backend: Backend) {
    let (app, _fake) = push_app(backend).await;
    let timestamp = now().to_string();
    let good = sign(&[TOKEN, &timestamp, "nonce1"]);
    let answer = app
        .get(&format!(
            "/api/v1/wechat/push?signature={good}&timestamp={timestamp}&nonce=nonce1&echostr=abc123XYZ"
        ))
        .await;
    assert_eq!(answer.status().as_u16(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .expect("text")
            .starts_with("text/plain")
    );
    assert_eq!(answer.text().await.expect("text"), "abc123XYZ");
    let bad = app
        .get(&format!(
            "/api/v1/wechat/push?signature=0000&timestamp={timestamp}&nonce=nonce1&echostr=abc"
        ))
        .await;
    let (status, code, _) = error_body(bad).await;
    assert_eq!((status, code.as_str()), (401, "push_signature_invalid"));
}

async fn subscribe_events_are_recorded_once_and_forgeries_change_nothing(backend: Backend) {
    let (app, _fake) = push_app(backend).await;
    let (user, _) = insured(&app, "pushed", PLAN5, "2026-01-05", "11010519800101008").await;
    let (user_id, openid) = user_of(&app, &user).await;
    let created = now();

    // The mini-program reported one accept; WeChat's popup event confirms it (one grant, not
    // two) and adds the one whose report never came (an object for one entry, an array for
    // several: both are read).
    accept(&app, &user, &[PROGRESS]).await;
    let event = popup(
        &openid,
        created,
        json!([
            {"TemplateId": PROGRESS, "SubscribeStatusString": "accept", "PopupScene": "0"},
            {"TemplateId": APPOINTMENT, "SubscribeStatusString": "accept", "PopupScene": "0"},
            {"TemplateId": REMINDER, "SubscribeStatusString": "reject", "PopupScene": "0"},
        ]),
    );
    let answer = push(&app, &event, created, false).await;
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(answer.text().await.expect("text"), "success");
    let granted = remaining(&app, user_id).await;
    assert_eq!((granted[PROGRESS], granted[APPOINTMENT]), (1, 1));
    assert!(!granted.contains_key(REMINDER));

    // WeChat's retry of the same push: acknowledged, nothing added.
    let again = push(&app, &event, created, false).await;
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(remaining(&app, user_id).await, granted);

    // Forgeries: a wrong signature, a capture replayed an hour later, another AppID's envelope.
    let fresh = popup(
        &openid,
        created + 1,
        json!({"TemplateId": REMINDER, "SubscribeStatusString": "accept", "PopupScene": "0"}),
    );
    let (status, code, _) = error_body(push(&app, &fresh, created, true).await).await;
    assert_eq!((status, code.as_str()), (401, "push_signature_invalid"));
    let (status, code, _) = error_body(push(&app, &fresh, created - 3600, false).await).await;
    assert_eq!((status, code.as_str()), (401, "push_stale"));
    let foreign = encrypt(&fresh.to_string(), "wx-someone-else");
    let timestamp = created.to_string();
    let signature = sign(&[TOKEN, &timestamp, "n", &foreign]);
    let answer = app
        .client
        .post(app.url(&format!(
            "/api/v1/wechat/push?timestamp={timestamp}&nonce=n&encrypt_type=aes&msg_signature={signature}"
        )))
        .json(&json!({ "ToUserName": "gh_1", "Encrypt": foreign }))
        .send()
        .await
        .expect("request");
    let (status, code, _) = error_body(answer).await;
    assert_eq!((status, code.as_str()), (401, "push_signature_invalid"));
    assert_eq!(remaining(&app, user_id).await, granted);
    // The real one still counts.
    push(&app, &fresh, created + 1, false).await;
    assert_eq!(remaining(&app, user_id).await[REMINDER], 1);

    // The user turns the progress template off in settings: its grants end.
    let change = json!({
        "ToUserName": "gh_123456789abc", "FromUserName": openid, "CreateTime": created + 2,
        "MsgType": "event", "Event": "subscribe_msg_change_event",
        "SubscribeMsgChangeEvent": {"List": {"TemplateId": PROGRESS, "SubscribeStatusString": "reject", "OpenScene": "1"}},
    });
    push(&app, &change, created + 2, false).await;
    assert!(!remaining(&app, user_id).await.contains_key(PROGRESS));

    // A delivery result names the message by its 64-bit id.
    let id = queue(&app, user_id, "GC-DELIVERY").await;
    {
        use sea_orm::{ActiveValue::Set, EntityTrait};
        entity::notification::Entity::update(entity::notification::ActiveModel {
            id: Set(id),
            state: Set(entity::notification::NotificationState::Sent),
            msgid: Set(Some(1_988_810_812_324_364_291)),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .expect("marked sent");
    }
    let delivered = json!({
        "ToUserName": "gh_123456789abc", "FromUserName": openid, "CreateTime": created + 3,
        "MsgType": "event", "Event": "subscribe_msg_sent_event",
        "SubscribeMsgSentEvent": {"List": {"TemplateId": PROGRESS, "MsgID": "1988810812324364291", "ErrorCode": "0", "ErrorStatus": "success"}},
    });
    push(&app, &delivered, created + 3, false).await;
    assert_eq!(row(&app, id).await.delivery.as_deref(), Some("success"));
}

on_both_backends!(
    the_url_check_echoes_only_for_wechat,
    subscribe_events_are_recorded_once_and_forgeries_change_nothing,
);
