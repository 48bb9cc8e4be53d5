//! Fail fast while a dependency is down: an API request that needs the database, the cache or
//! (for photos) the object store answers 503 with `Retry-After: 1` at once while
//! `crate::platform::outages` knows it to be down, instead of waiting out a connection pool or a storage
//! timeout; a request already waiting when it goes down is answered so then. Only the watcher's
//! probes decide: one slow answer in a burst is not an outage, and must not turn the requests
//! beside it away.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, http::Method, web};

use crate::platform::error::{ApiError, codes};
use crate::platform::outages::Dependency;
use crate::platform::telemetry::{REQUEST_ID_HEADER, RequestId};
use crate::state::AppState;

const DATA: &[Dependency] = &[Dependency::Database, Dependency::Cache];
const PHOTOS: &[Dependency] = &[Dependency::Database, Dependency::Cache, Dependency::Storage];

/// What a request needs, from its path and method: photo reads, uploads and deletes need the
/// store; every other API request but the public reference data needs the database and cache.
pub fn needs(method: &Method, path: &str) -> &'static [Dependency] {
    let Some(api) = path.strip_prefix("/api/v1/") else {
        return &[];
    };
    if api.starts_with("catalog/") || api.starts_with("dev/") {
        return &[];
    }
    let photo_read = api.starts_with("documents/") && *method == Method::GET;
    let photo_change = api.starts_with("cases/")
        && api.contains("/documents")
        && matches!(*method, Method::POST | Method::DELETE);
    if photo_read || photo_change {
        PHOTOS
    } else {
        DATA
    }
}

fn refusal(dependency: Dependency) -> ApiError {
    let error = match dependency {
        Dependency::Database => ApiError::unavailable(
            codes::DATABASE_UNAVAILABLE,
            anyhow::anyhow!("the database is down (known from the last probe)"),
        ),
        Dependency::Cache => ApiError::unavailable(
            codes::CACHE_UNAVAILABLE,
            anyhow::anyhow!("the cache is down (known from the last probe)"),
        ),
        Dependency::Storage => ApiError::unavailable(
            codes::STORAGE_UNAVAILABLE,
            anyhow::anyhow!("the object store is down (known from the last probe)"),
        )
        .with_message("资料存储暂时不可用，请稍后重试"),
    };
    error.retry_after(1)
}

pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let needed = needs(req.method(), req.path());
    if let Some(down) = needed.iter().find(|d| state.outages.is_down(**d)) {
        let response = refusal(*down).error_response();
        return Ok(req.into_response(response));
    }
    if needed.is_empty() {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // A request already waiting on a dependency that goes down stops waiting then: its work is
    // dropped (transactions roll back), as when a client goes away. The request has moved into
    // the routing by now, so the refusal goes out as an error the server renders: the same
    // envelope and Retry-After, and the request id the outer middleware could not add.
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    tokio::select! {
        response = next.call(req) => Ok(response?.map_into_boxed_body()),
        () = state.outages.until_down(needed) => {
            let down = needed
                .iter()
                .find(|d| state.outages.is_down(**d))
                .copied()
                .unwrap_or(Dependency::Database);
            Err(Refused { error: refusal(down), request_id }.into())
        }
    }
}

/// The refusal of a request that was already routed, with its request id.
#[derive(Debug)]
struct Refused {
    error: ApiError,
    request_id: Option<std::sync::Arc<str>>,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl ResponseError for Refused {
    fn status_code(&self) -> StatusCode {
        self.error.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = self.error.error_response();
        if let Some(value) = self
            .request_id
            .as_deref()
            .and_then(|id| HeaderValue::from_str(id).ok())
        {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        response
    }
}
