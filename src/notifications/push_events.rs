//! The message-push endpoint's work: check, decrypt, dedupe and record WeChat's subscribe events.
//!
//! - `subscribe_msg_popup_event`: each `accept` confirms the grant the mini-program reported (or
//!   adds it when the report never came: WeChat's word is authoritative);
//! - `subscribe_msg_change_event`: the user turned a template off in settings: its grants end;
//! - `subscribe_msg_sent_event`: the delivery result of a message we sent (`MsgID`).
//!
//! A bad signature, a stale timestamp (a replayed capture), a body that does not decrypt or an
//! envelope for another AppID is refused and changes nothing. WeChat retries a push three times
//! when we are slow: the retry of one already handled is acknowledged and ignored.

use chrono::{DateTime, TimeDelta, Utc};
use secrecy::ExposeSecret;
use serde_json::Value;

use super::push::{self, PushRefusal};
use super::store::grants as grant_store;
use crate::outbox::store as outbox;
use crate::platform::error::{AreaError, Fault, Kind};
use crate::state::AppState;

/// How far a push's timestamp may be from now (WeChat retries within seconds).
const FRESH_SECS: i64 = 300;
/// A popup event confirms a reported grant made this close to it.
const CONFIRM_WINDOW: TimeDelta = TimeDelta::minutes(10);

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum PushError {
    #[error("消息推送未配置")]
    PushNotConfigured,
    #[error("签名校验失败")]
    PushSignatureInvalid,
    #[error("消息已过期")]
    PushStale,
    #[error("消息格式错误")]
    PushMalformed,
    #[error(transparent)]
    Fault(#[from] Fault),
}

impl From<PushRefusal> for PushError {
    fn from(refusal: PushRefusal) -> Self {
        match refusal {
            PushRefusal::Signature | PushRefusal::OtherApp => Self::PushSignatureInvalid,
            PushRefusal::Stale => Self::PushStale,
            PushRefusal::Malformed => Self::PushMalformed,
        }
    }
}

crate::platform::error::faults_from!(PushError);

impl AreaError for PushError {
    fn kind(&self) -> Kind {
        match self {
            Self::PushNotConfigured => Kind::NotFound,
            Self::PushSignatureInvalid | Self::PushStale => Kind::Unauthorized,
            Self::PushMalformed => Kind::BadRequest,
            Self::Fault(_) => Kind::Internal,
        }
    }

    crate::platform::error::area_error_glue!(Fault);
}

/// The query WeChat signs: `signature`, `timestamp`, `nonce` (and, for events in safe mode,
/// `msg_signature`, `encrypt_type=aes`; for the URL check, `echostr`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct PushQuery {
    pub signature: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
    pub echostr: Option<String>,
    pub msg_signature: Option<String>,
    pub encrypt_type: Option<String>,
}

fn token(state: &AppState) -> Result<&str, PushError> {
    state
        .settings
        .wechat
        .push_token
        .as_ref()
        .map(|t| t.expose_secret())
        .ok_or(PushError::PushNotConfigured)
}

fn required(value: &Option<String>) -> Result<&str, PushError> {
    value.as_deref().ok_or(PushError::PushSignatureInvalid)
}

/// The URL check: the `echostr` to answer when the signature is WeChat's.
pub fn verify_url(state: &AppState, query: &PushQuery) -> Result<String, PushError> {
    let token = token(state)?;
    let timestamp = required(&query.timestamp)?;
    let nonce = required(&query.nonce)?;
    push::verify(&[token, timestamp, nonce], required(&query.signature)?)?;
    push::fresh(timestamp, Utc::now().timestamp(), FRESH_SECS)?;
    Ok(required(&query.echostr)?.to_owned())
}

/// What handling a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Recorded,
    /// WeChat's retry of a push already handled.
    Repeat,
    /// An event this service does not act on.
    Ignored,
}

/// Checks, decrypts and records one event push (safe mode, JSON).
#[tracing::instrument(skip_all)]
pub async fn receive(
    state: &AppState,
    query: &PushQuery,
    body: &[u8],
) -> Result<Handled, PushError> {
    let token = token(state)?;
    let key = state
        .settings
        .wechat
        .encoding_aes_key
        .as_ref()
        .and_then(|k| crate::platform::config::aes_key(k.expose_secret()))
        .ok_or(PushError::PushNotConfigured)?;
    let envelope: Value = serde_json::from_slice(body).map_err(|_| PushError::PushMalformed)?;
    let encrypted = envelope
        .get("Encrypt")
        .and_then(Value::as_str)
        .ok_or(PushError::PushMalformed)?;
    let timestamp = required(&query.timestamp)?;
    let nonce = required(&query.nonce)?;
    push::verify(
        &[token, timestamp, nonce, encrypted],
        required(&query.msg_signature)?,
    )?;
    push::fresh(timestamp, Utc::now().timestamp(), FRESH_SECS)?;
    let plain = push::decrypt(&key, encrypted, state.wechat.app_id())?;
    let event: Value = serde_json::from_slice(&plain).map_err(|_| PushError::PushMalformed)?;
    handle(state, &event).await
}

fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The event's entries: WeChat sends an object for one and an array for several, at the top
/// (`List`) or under the event's own key (`SubscribeMsgPopupEvent`, with or without `List`).
fn entries(event: &Value, own_key: &str) -> Vec<Value> {
    let holder = event.get(own_key).or_else(|| event.get("List"));
    let holder = match holder {
        Some(Value::Object(map)) if map.contains_key("List") => map.get("List"),
        other => other,
    };
    match holder {
        Some(Value::Array(items)) => items.clone(),
        Some(item @ Value::Object(_)) => vec![item.clone()],
        _ => Vec::new(),
    }
}

async fn handle(state: &AppState, event: &Value) -> Result<Handled, PushError> {
    let name = text(event, "Event").unwrap_or_default();
    let own_key = match name.as_str() {
        "subscribe_msg_popup_event" => "SubscribeMsgPopupEvent",
        "subscribe_msg_change_event" => "SubscribeMsgChangeEvent",
        "subscribe_msg_sent_event" => "SubscribeMsgSentEvent",
        _ => return Ok(Handled::Ignored),
    };
    let openid = text(event, "FromUserName").ok_or(PushError::PushMalformed)?;
    let created = text(event, "CreateTime").ok_or(PushError::PushMalformed)?;
    let items = entries(event, own_key);
    let ids: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "{}/{}",
                text(i, "TemplateId").unwrap_or_default(),
                text(i, "MsgID").unwrap_or_default()
            )
        })
        .collect();
    let key = crate::platform::crypto::sha256_hex(&format!(
        "{name}|{openid}|{created}|{}",
        ids.join(",")
    ));
    let now = Utc::now();
    let txn = crate::platform::db::write_transaction(&state.db).await?;
    if !super::store::push::remember(&txn, &key, &name, now).await? {
        txn.rollback().await?;
        return Ok(Handled::Repeat);
    }
    let user = crate::users::service::by_openid(state, &openid).await?;
    let at = created
        .parse::<i64>()
        .ok()
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .unwrap_or(now);
    for item in &items {
        let template = text(item, "TemplateId").unwrap_or_default();
        let status = text(item, "SubscribeStatusString");
        match (own_key, user) {
            ("SubscribeMsgPopupEvent", Some(user_id))
                if status.as_deref() == Some("accept")
                    && state.templates.key_of_id(&template).is_some() =>
            {
                grant_store::confirm_or_add(&txn, user_id, &template, at, CONFIRM_WINDOW, now)
                    .await?;
            }
            ("SubscribeMsgChangeEvent", Some(user_id)) if status.as_deref() == Some("reject") => {
                grant_store::void_all(&txn, user_id, &template, now).await?;
            }
            ("SubscribeMsgSentEvent", _) => {
                let Some(msgid) = text(item, "MsgID").and_then(|m| m.parse::<u64>().ok()) else {
                    continue;
                };
                let delivery = match text(item, "ErrorCode").as_deref() {
                    Some("0") => "success".to_owned(),
                    _ => text(item, "ErrorStatus")
                        .unwrap_or_else(|| "failed".to_owned())
                        .chars()
                        .take(64)
                        .collect(),
                };
                outbox::record_delivery(&txn, msgid, &delivery, now).await?;
            }
            _ => {}
        }
    }
    txn.commit().await?;
    Ok(Handled::Recorded)
}
