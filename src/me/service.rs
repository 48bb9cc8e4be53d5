//! What the mini-program shows of its user: `/me`, and the summary that comes with tokens.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::platform::cache::guarded::{Found, GuardedCopy};
use crate::platform::error::{ApiError, Fault};
use crate::state::AppState;
use crate::users::cached;
use crate::users::phone::PhoneNumber;
use crate::users::store::{self, User};

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub id: Uuid,
    /// Masked: `138****1234`.
    #[schema(example = "138****1234")]
    pub phone: Option<String>,
    pub phone_country_code: Option<String>,
    pub phone_bound: bool,
    pub policies_bound: bool,
    /// Bound policies, masked.
    pub policies: Vec<crate::policies::service::PolicySummary>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub created_at: DateTime<Utc>,
}

/// The user as a login or refresh answer names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserSummary {
    pub id: Uuid,
    pub phone_bound: bool,
    pub policies_bound: bool,
}

/// The summary of `user` (one query: whether any policy is bound).
pub async fn summary(state: &AppState, user: &User) -> Result<UserSummary, Fault> {
    Ok(UserSummary {
        id: user.public_id,
        phone_bound: user.phone_hash.is_some(),
        policies_bound: crate::policies::store::has_bindings(&state.db, user.id).await?,
    })
}

/// What the login copy keeps (see [`cached::login_copy`]).
#[derive(Serialize, Deserialize)]
struct LoginCopy {
    id: i64,
    user: UserSummary,
    /// The unionid as the last login knew it: a login that reports another one reads the
    /// database (which keeps it).
    unionid: Option<String>,
}

/// The user a login names (created on their first login), as the login answer shows them: from
/// the login copy when `cached` (the copy and what the cache read of it, in the login's own
/// round trip) found it current, else from the database, then kept as the copy.
pub async fn login_user(
    state: &AppState,
    openid: &str,
    unionid: Option<&str>,
    cached: Option<(GuardedCopy, Found)>,
) -> Result<(i64, UserSummary), Fault> {
    let from_copy = cached
        .as_ref()
        .and_then(|(_, found)| found.current())
        .and_then(|body| serde_json::from_slice::<LoginCopy>(body).ok())
        .filter(|copy| unionid.is_none() || unionid == copy.unionid.as_deref());
    if let Some(copy) = from_copy {
        return Ok((copy.id, copy.user));
    }
    let now = state.clocks.business.now();
    let (id, user) = match store::login(&state.db, openid, unionid, now).await? {
        Some(user) => (
            user.id,
            UserSummary {
                id: user.public_id,
                phone_bound: user.phone_bound,
                policies_bound: user.policies_bound,
            },
        ),
        None => {
            let user = store::upsert_by_openid(&state.db, openid, unionid, now).await?;
            (user.id, summary(state, &user).await?)
        }
    };
    if let Some((copy, found)) = cached {
        let body = LoginCopy {
            id,
            user: user.clone(),
            unionid: unionid.map(str::to_owned),
        };
        match serde_json::to_vec(&body) {
            Ok(body) => found.keep(&*state.cache, &copy, &body).await,
            Err(error) => tracing::warn!(%error, "the login copy was not encoded"),
        }
    }
    Ok((id, user))
}

/// The summary of the user `user_id`; none for a user that no longer exists.
pub async fn summary_of(state: &AppState, user_id: i64) -> Result<Option<UserSummary>, Fault> {
    match store::find(&state.db, user_id).await? {
        Some(user) => Ok(Some(summary(state, &user).await?)),
        None => Ok(None),
    }
}

/// The logged-in user: the masked phone and the bound policies.
#[instrument(skip_all, fields(user_id))]
pub async fn me(state: &AppState, user_id: i64) -> Result<MeResponse, ApiError> {
    let account = store::find(&state.db, user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let phone = match (&account.phone_enc, &account.phone_country_code) {
        (Some(sealed), Some(country_code)) => {
            let normalised = state
                .crypto
                .open_str(sealed, &store::phone_aad(account.id))
                .map_err(ApiError::internal)?;
            Some(
                PhoneNumber::from_normalised(country_code, &normalised)
                    .map_err(ApiError::internal)?
                    .masked(),
            )
        }
        _ => None,
    };
    let policies: Vec<_> = crate::policies::bind::bound(state, account.id)
        .await?
        .iter()
        .map(|(p, r)| crate::policies::service::summary(state, p, *r))
        .collect();
    Ok(MeResponse {
        id: account.public_id,
        phone_bound: phone.is_some(),
        phone,
        phone_country_code: account.phone_country_code,
        policies_bound: !policies.is_empty(),
        policies,
        created_at: account.created_at,
    })
}

/// `/me` for the bearer of `token`, as JSON: the session and the cached copy in one cache round
/// trip; on a miss the database, then the copy is stored unless a change began meanwhile.
pub async fn me_json(state: &AppState, token: Option<String>) -> Result<Vec<u8>, ApiError> {
    let mut copy = None;
    // Only a shared cache keeps copies: with the in-process one, only the session is read.
    let shared = state.cache.shared();
    let (user, values) = crate::auth::extractor::authenticate_reading(state, token, |subject| {
        copy = shared.then(|| me_copy(subject)).flatten();
        copy.as_ref().map(|c| c.keys()).unwrap_or_default()
    })
    .await?;
    let found = copy.as_ref().map(|c| c.found(values));
    if let Some(body) = found.as_ref().and_then(|f| f.current()) {
        return Ok(body.to_vec());
    }
    let body = serde_json::to_vec(&me(state, user.user_id).await?).map_err(ApiError::internal)?;
    if let (Some(copy), Some(found)) = (&copy, &found) {
        found.keep(&*state.cache, copy, &body).await;
    }
    Ok(body)
}

/// How long a copy of `/me` is kept without being read again into the database.
const COPY_TTL: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The copy of `user`'s `/me`; `subject` is the token's subject (the user's public id). It
/// depends on the user's own rows (phone, bindings) and on every policy (an import or a
/// partner's push may change a bound policy).
fn me_copy(subject: &str) -> Option<GuardedCopy> {
    let user = Uuid::parse_str(subject).ok()?;
    Some(GuardedCopy::new(
        cached::copy_key(user),
        vec![cached::scope(user), crate::policies::changes::scope()],
        COPY_TTL,
    ))
}
