//! `CurrentUser`: the authenticated mini-program user of a request. A JWT check and one cache
//! lookup (the session), no database query.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use uuid::Uuid;

use super::error::AuthError;
use super::tokens::sessions;
use crate::platform::error::ApiError;
use crate::platform::jwt::AUDIENCE_MINIAPP;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user_id: i64,
    pub public_id: Uuid,
    pub session_id: String,
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The user a bearer token names, when its session is open.
pub async fn authenticate(
    state: &AppState,
    token: Option<String>,
) -> Result<CurrentUser, AuthError> {
    Ok(authenticate_reading(state, token, |_| Vec::new()).await?.0)
}

/// Authenticates (token, then the session) and reads the keys `more` names from the token's
/// subject (the user's public id) in the same cache round trip as the session: a request that
/// needs nothing but cached data about its user costs one round trip.
pub async fn authenticate_reading(
    state: &AppState,
    token: Option<String>,
    more: impl FnOnce(&str) -> Vec<String>,
) -> Result<(CurrentUser, Vec<Option<Vec<u8>>>), AuthError> {
    let token = token.ok_or(AuthError::TokenMissing)?;
    let claims = state.jwt.verify(&token, AUDIENCE_MINIAPP)?;
    // The account's own end (deleted by its owner) is read in the same round trip, last.
    let mut keys = more(&claims.sub);
    keys.push(super::sessions::user_end::key(&claims.sub));
    let (record, mut values) = sessions(state).get_with(&claims.sid, keys).await?;
    let ended = values.pop().flatten().is_some();
    let record = record.filter(|_| !ended).ok_or(AuthError::SessionRevoked)?;
    if record.user_public_id.to_string() != claims.sub || record.audience != AUDIENCE_MINIAPP {
        return Err(AuthError::SessionRevoked);
    }
    let user = CurrentUser {
        user_id: record.user_id,
        public_id: record.user_public_id,
        session_id: claims.sid,
    };
    Ok((user, values))
}

/// What a bearer-token extractor answers with.
pub type Authenticating<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// A bearer-token extractor: the request's token and the app's state handed to `authenticate`,
/// its refusal answered as an API error. The mini-program's `CurrentUser` and the console's
/// `CurrentStaff` are both this, with their own check.
pub fn by_bearer<T: 'static, E: 'static>(
    req: &HttpRequest,
    authenticate: impl AsyncFnOnce(&AppState, Option<String>) -> Result<T, E> + 'static,
) -> Authenticating<T>
where
    ApiError: From<E>,
{
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let token = bearer(req);
    Box::pin(async move {
        let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no AppState")))?;
        authenticate(&state, token).await.map_err(ApiError::from)
    })
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Authenticating<Self>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        by_bearer(req, authenticate)
    }
}
