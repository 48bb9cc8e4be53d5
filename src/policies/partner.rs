//! Insurers that push policies: per-insurer API keys (`gcpk_<prefix>_<secret>`), shown once,
//! stored as a SHA-256, revocable; and the extractor that authenticates a partner request.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::{DateTime, Utc};
use entity::partner_api_key;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::crypto::{random_token, sha256_hex};
use crate::error::{ApiError, Kind};
use crate::state::AppState;

pub const PARTNER_KEY_INVALID: &str = "partner_key_invalid";
const PREFIX: &str = "gcpk_";

/// A key as created: the full text (shown once) and its public prefix.
#[derive(Debug)]
pub struct NewKey {
    pub key: String,
    pub prefix: String,
}

pub async fn create_key(
    db: &impl ConnectionTrait,
    insurer_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<NewKey> {
    let secret = random_token();
    let prefix: String = random_token()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    let key = format!("{PREFIX}{prefix}_{secret}");
    partner_api_key::ActiveModel {
        insurer_id: Set(insurer_id),
        prefix: Set(prefix.clone()),
        key_hash: Set(sha256_hex(&key)),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(NewKey { key, prefix })
}

pub async fn revoke_key(
    db: &impl ConnectionTrait,
    prefix: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(key) = partner_api_key::Entity::find()
        .filter(partner_api_key::Column::Prefix.eq(prefix))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if key.revoked_at.is_some() {
        return Ok(true);
    }
    let mut active: partner_api_key::ActiveModel = key.into();
    active.revoked_at = Set(Some(now));
    active.update(db).await?;
    Ok(true)
}

pub async fn list_keys(
    db: &impl ConnectionTrait,
    insurer_id: Option<i64>,
) -> anyhow::Result<Vec<partner_api_key::Model>> {
    let mut query = partner_api_key::Entity::find().order_by_asc(partner_api_key::Column::Id);
    if let Some(id) = insurer_id {
        query = query.filter(partner_api_key::Column::InsurerId.eq(id));
    }
    Ok(query.all(db).await?)
}

/// An authenticated partner: the insurer its key belongs to.
#[derive(Debug, Clone)]
pub struct Partner {
    pub insurer_id: i64,
    pub key_prefix: String,
}

fn presented_key(req: &HttpRequest) -> Option<String> {
    if let Some(value) = req.headers().get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(value.trim().to_owned());
    }
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

fn invalid() -> ApiError {
    ApiError::new(
        Kind::Unauthorized,
        PARTNER_KEY_INVALID,
        "接口密钥无效或已吊销",
    )
}

impl FromRequest for Partner {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let key = presented_key(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no AppState")))?;
            let key = key.filter(|k| k.starts_with(PREFIX)).ok_or_else(invalid)?;
            let found = partner_api_key::Entity::find()
                .filter(partner_api_key::Column::KeyHash.eq(sha256_hex(&key)))
                .one(&state.db)
                .await?
                .filter(|k| k.revoked_at.is_none())
                .ok_or_else(invalid)?;
            Ok(Partner {
                insurer_id: found.insurer_id,
                key_prefix: found.prefix,
            })
        })
    }
}
