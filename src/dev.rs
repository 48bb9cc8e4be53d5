//! Dev-only endpoints, mounted only outside production and only when switched on
//! (`APP_CLOCK__ADJUSTABLE=true`); they answer loopback callers only.
//! `PUT /api/v1/dev/clock` moves the business clock so date rules can be tried through the API.

use actix_web::{HttpRequest, get, put, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::platform::error::{ApiError, ErrorBody, Kind};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetClockRequest {
    /// The instant the business clock should read now (RFC 3339, with offset).
    #[schema(value_type = String, format = DateTime, example = "2026-03-31T10:00:00+08:00")]
    pub now: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClockResponse {
    /// The business clock, in Asia/Shanghai.
    #[schema(example = "2026-03-31T10:00:00+08:00")]
    pub now: String,
}

fn loopback_only(req: &HttpRequest) -> Result<(), ApiError> {
    match req.peer_addr() {
        Some(peer) if peer.ip().is_loopback() => Ok(()),
        _ => Err(ApiError::not_found()),
    }
}

fn clock_response(state: &AppState) -> ClockResponse {
    ClockResponse {
        now: crate::platform::wire_time::text(&state.clocks.business.now()),
    }
}

/// Reads the business clock.
#[utoipa::path(
    tag = "dev",
    responses(
        (status = 200, body = ClockResponse),
        (status = 404, description = "`not_found`: not a loopback caller", body = ErrorBody),
    )
)]
#[get("/dev/clock")]
pub async fn get_clock(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<web::Json<ClockResponse>, ApiError> {
    loopback_only(&req)?;
    Ok(web::Json(clock_response(&state)))
}

/// Moves the business clock (dev only). It runs on from the instant given.
#[utoipa::path(
    tag = "dev",
    request_body = SetClockRequest,
    responses(
        (status = 200, body = ClockResponse),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 422, description = "`invalid_body`: the field now is missing or not an RFC 3339 instant", body = ErrorBody),
        (status = 404, description = "`not_found`: not a loopback caller", body = ErrorBody),
    )
)]
#[put("/dev/clock")]
pub async fn set_clock(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<SetClockRequest>,
) -> Result<web::Json<ClockResponse>, ApiError> {
    loopback_only(&req)?;
    let Some(clock) = &state.clocks.adjustable else {
        return Err(ApiError::new(
            Kind::NotFound,
            crate::platform::error::codes::NOT_FOUND,
            "请求的接口不存在",
        ));
    };
    clock.set(body.now.to_utc());
    tracing::info!(now = %body.now, "business clock moved");
    Ok(web::Json(clock_response(&state)))
}
