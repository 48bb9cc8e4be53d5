//! The `Idempotency-Key` header and the replay of a stored answer.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use crate::platform::idempotency::{HEADER, Outcome, REPLAYED_HEADER, StoredAnswer};

/// The header's value, if the request has one that is text.
pub fn key_header(req: &HttpRequest) -> Option<&str> {
    req.headers().get(HEADER).map(|v| v.to_str().unwrap_or(""))
}

/// A stored answer, marked as replayed.
pub fn replayed(answer: StoredAnswer) -> HttpResponse {
    HttpResponse::build(status(answer.outcome))
        .insert_header((REPLAYED_HEADER, "true"))
        .content_type("application/json")
        .body(answer.body)
}

/// A first answer, stored alongside the work, as a response.
pub fn answer(answer: StoredAnswer) -> HttpResponse {
    HttpResponse::build(status(answer.outcome))
        .content_type("application/json")
        .body(answer.body)
}

/// The status an outcome answers with, first time and on every replay.
fn status(outcome: Outcome) -> StatusCode {
    match outcome {
        Outcome::Created => StatusCode::CREATED,
        Outcome::Done => StatusCode::OK,
    }
}
