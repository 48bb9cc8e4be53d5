//! Probes and metrics: `/health/live` (the process answers), `/health/ready` (the database,
//! the cache and the object store answer, each within the check timeout), `/metrics` (Prometheus text format).

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::platform::error::Kind;
use crate::platform::error::{ApiError, ErrorBody, codes};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct LiveResponse {
    #[schema(example = "ok")]
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadyResponse {
    #[schema(example = "ok")]
    pub status: &'static str,
    pub checks: ReadyChecks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadyChecks {
    /// `ok` or `down`.
    pub database: &'static str,
    /// `ok` or `down`.
    pub cache: &'static str,
    /// `ok` or `down`: the object store (medical-record photos).
    pub storage: &'static str,
}

/// The process is up and serving.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "Alive", body = LiveResponse))
)]
#[get("/health/live")]
pub async fn live() -> web::Json<LiveResponse> {
    web::Json(LiveResponse { status: "ok" })
}

/// The database, the cache and the object store answer.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve", body = ReadyResponse),
        (status = 503, description = "`not_ready`: the database, the cache or the object store is down; its details say which", body = ErrorBody),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<web::Json<ReadyResponse>, ApiError> {
    let (database, cache, storage) = state.probes().run().await;
    let word = |up: bool| if up { "ok" } else { "down" };
    if database && cache && storage {
        return Ok(web::Json(ReadyResponse {
            status: "ok",
            checks: ReadyChecks {
                database: "ok",
                cache: "ok",
                storage: "ok",
            },
        }));
    }
    tracing::warn!(
        database = word(database),
        cache = word(cache),
        storage = word(storage),
        "not ready"
    );
    Err(ApiError::new(
        Kind::Unavailable,
        codes::NOT_READY,
        "服务暂时不可用，请稍后重试",
    )
    .with_details(json!({
        "database": word(database),
        "cache": word(cache),
        "storage": word(storage),
    }))
    .retry_after(1))
}

/// Request counts and latencies by route pattern, notification sends by kind and outcome, the
/// outbox depth and oldest pending age, and open staff alerts, in the Prometheus text format.
/// The gauges are read at each scrape (within the health check's deadline; left as they were
/// when the database does not answer in time).
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Prometheus text exposition format", content_type = "text/plain", body = String),
        (status = 404, description = "`not_found`: with an operators' token configured (`APP_SERVER__OPS_TOKEN`, required in production), asked without `Authorization: Bearer <token>`", body = ErrorBody),
    )
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let deadline = Duration::from_millis(state.settings.health.check_timeout_ms);
    if let Ok(Err(error)) =
        tokio::time::timeout(deadline, crate::worker::refresh_gauges(&state)).await
    {
        tracing::debug!(error = %error, "notification gauges not refreshed");
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}
