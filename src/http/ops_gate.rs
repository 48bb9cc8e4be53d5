//! What is for the operators only: `/metrics`, the API docs (`/docs/`) and the OpenAPI document.
//! With an operators' token configured (required in production) they answer only
//! `Authorization: Bearer <token>`; anyone else gets the 404 of an address that is not there.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{ResponseError, web};
use secrecy::ExposeSecret;

use crate::platform::error::ApiError;
use crate::state::AppState;

/// Whether `path` is for the operators.
pub fn is_ops(path: &str) -> bool {
    path == "/metrics"
        || path == "/docs"
        || path.starts_with("/docs/")
        || path.starts_with("/api-docs/")
}

/// Lets an operators' address through only with the token, when one is configured.
pub async fn gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let token = req
        .app_data::<web::Data<AppState>>()
        .and_then(|s| s.settings.server.ops_token.clone());
    if let Some(token) = token
        && is_ops(req.path())
    {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !crate::platform::crypto::same_secret(token.expose_secret(), given) {
            let response = ApiError::not_found().error_response();
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}
