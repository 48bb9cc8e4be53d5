//! How a session's tokens reach either app: the same pair after a login or a refresh, beside
//! who logged in (`user` in the mini-program, `staff` in the console), never cached.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::tokens::Tokens;

/// A refresh token to trade for the next pair.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    #[schema(max_length = 256)]
    pub refresh_token: String,
}

/// A session's token pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// A JWT for `Authorization: Bearer …`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds the access token is valid.
    pub expires_in: u64,
    /// Single use: the refresh endpoint returns the next one. Presenting a used one again ends
    /// the session.
    pub refresh_token: String,
    pub refresh_expires_in: u64,
}

impl From<Tokens> for TokenPair {
    fn from(tokens: Tokens) -> Self {
        Self {
            access_token: tokens.access_token,
            token_type: "Bearer",
            expires_in: tokens.expires_in,
            refresh_token: tokens.refresh_token,
            refresh_expires_in: tokens.refresh_expires_in,
        }
    }
}

/// 200 with `body` (a `TokenPair` and who it is for), `Cache-Control: no-store`.
pub fn tokens_answer(body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}
