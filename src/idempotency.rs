//! `Idempotency-Key`: a client retrying a request (the mini-program retries on a flaky mobile
//! network) gets the first answer instead of a second effect. The key row is inserted in the
//! transaction of the work it guards: a concurrent retry waits on the unique index until the
//! first commits (then replays its answer) or rolls back (then does the work itself).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use entity::idempotency_key;
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::crypto::sha256_hex;
use crate::error::ApiError;

pub const HEADER: &str = "Idempotency-Key";
/// Set on an answer replayed from an earlier request.
pub const REPLAYED_HEADER: &str = "Idempotent-Replayed";

#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    owner: String,
    key: String,
    request_hash: String,
}

impl IdempotencyKey {
    /// Reads the header; `operation` and the parsed body make the request's fingerprint.
    pub fn from_request<T: Serialize>(
        req: &HttpRequest,
        owner: String,
        operation: &str,
        body: &T,
    ) -> Result<Self, ApiError> {
        let key = req
            .headers()
            .get(HEADER)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "idempotency_key_required",
                    "缺少 Idempotency-Key 请求头：每次新的申请请生成一个唯一值，重试时沿用",
                )
            })?
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| {
                (8..=128).contains(&k.len())
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c))
            })
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "idempotency_key_invalid",
                    "Idempotency-Key 须为 8–128 位字母、数字或 -_:. 组成的字符串（如 UUID）",
                )
            })?
            .to_owned();
        let canonical =
            serde_json::to_string(&serde_json::to_value(body).map_err(ApiError::internal)?)
                .map_err(ApiError::internal)?;
        Ok(Self {
            owner,
            key,
            request_hash: sha256_hex(&format!("{operation}\n{canonical}")),
        })
    }

    /// The stored answer to an earlier request with this key, or `None` when there was none.
    /// The same key with another body is refused.
    pub async fn replay(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<Option<HttpResponse>, ApiError> {
        let Some(row) = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::Owner.eq(&self.owner))
            .filter(idempotency_key::Column::Key.eq(&self.key))
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        if row.request_hash != self.request_hash {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "该 Idempotency-Key 已用于另一个不同的请求，请为新的申请生成新的值",
            ));
        }
        let (Some(status), Some(body)) = (row.response_status, row.response_body) else {
            return Ok(None);
        };
        let status = u16::try_from(status)
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::OK);
        Ok(Some(
            HttpResponse::build(status)
                .insert_header((REPLAYED_HEADER, "true"))
                .content_type("application/json")
                .body(body),
        ))
    }

    /// Takes the key inside the work's transaction; false when another request holds it.
    pub async fn claim(
        &self,
        txn: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<bool, DbErr> {
        let mut insert = Query::insert();
        insert
            .into_table(idempotency_key::Entity)
            .columns([
                idempotency_key::Column::Owner,
                idempotency_key::Column::Key,
                idempotency_key::Column::RequestHash,
                idempotency_key::Column::CreatedAt,
            ])
            .values_panic([
                self.owner.clone().into(),
                self.key.clone().into(),
                self.request_hash.clone().into(),
                now.into(),
            ])
            .on_conflict(
                OnConflict::columns([idempotency_key::Column::Owner, idempotency_key::Column::Key])
                    .do_nothing()
                    .to_owned(),
            );
        let statement = txn.get_database_backend().build(&insert);
        Ok(txn.execute_raw(statement).await?.rows_affected() == 1)
    }

    /// Stores the answer, in the same transaction as the work.
    pub async fn complete(
        &self,
        txn: &impl ConnectionTrait,
        status: StatusCode,
        body: &str,
    ) -> Result<(), DbErr> {
        idempotency_key::Entity::update_many()
            .set(idempotency_key::ActiveModel {
                response_status: Set(Some(i32::from(status.as_u16()))),
                response_body: Set(Some(body.to_owned())),
                ..Default::default()
            })
            .filter(idempotency_key::Column::Owner.eq(&self.owner))
            .filter(idempotency_key::Column::Key.eq(&self.key))
            .exec(txn)
            .await?;
        Ok(())
    }
}

/// Forgets keys older than `before` (a client retries within minutes, not days).
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
