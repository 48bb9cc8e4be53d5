//! Console sessions: the same cache-held sessions and rotating refresh tokens as the
//! mini-program's, with JWT audience `console`, so a mini-program token never opens the console
//! and the other way round. Every request re-reads the account: a deactivated account or a
//! changed role takes effect at once.

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

pub use super::access::CurrentStaff;
use super::accounts::{decoy_hash, find_by_login, verify_password};
use super::store::Account;
use crate::auth::error::AuthError;
use crate::auth::extractor::{Authenticating, by_bearer};
use crate::auth::sessions::SessionRecord;
use crate::auth::tokens::{Tokens, sessions};
use crate::platform::error::{ApiError, AreaError, Kind, variant_codes};
use crate::platform::ratelimit::{self, HOUR, MINUTE};
use crate::state::AppState;

pub const AUDIENCE_CONSOLE: &str = "console";

/// Why a console login is refused.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum StaffLoginError {
    #[error("账号或密码不正确")]
    InvalidCredentials,
    #[error("密码错误次数过多，账号已暂时锁定，请一小时后再试或联系管理员")]
    LoginLocked,
}

impl AreaError for StaffLoginError {
    fn kind(&self) -> Kind {
        match self {
            Self::InvalidCredentials => Kind::Unauthorized,
            Self::LoginLocked => Kind::TooManyRequests,
        }
    }

    fn code(&self) -> &'static str {
        self.into()
    }

    fn retry_after(&self) -> Option<u64> {
        matches!(self, Self::LoginLocked).then_some(3600)
    }

    fn codes() -> Vec<&'static str> {
        variant_codes(<Self as strum::VariantNames>::VARIANTS, &[])
    }
}

fn tokens(
    state: &AppState,
    record: &SessionRecord,
    sid: &str,
    refresh: String,
) -> Result<Tokens, ApiError> {
    Ok(Tokens {
        access_token: state
            .jwt
            .issue(&record.user_public_id.to_string(), sid, AUDIENCE_CONSOLE)
            .map_err(ApiError::internal)?,
        expires_in: state.jwt.ttl().as_secs(),
        refresh_token: refresh,
        refresh_expires_in: state.settings.jwt.refresh_ttl_secs,
    })
}

/// Checks a login and password: the account, if they match an active one. Limits per address
/// and a lockout per login; an unknown login costs what a wrong password does.
pub async fn verify_credentials(
    state: &AppState,
    login: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> Result<Account, ApiError> {
    let limits = &state.settings.limits;
    let ip = ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    ratelimit::check(
        &*state.cache,
        &format!("staff-login:ip:{ip}"),
        limits.staff_login_per_ip_per_minute,
        MINUTE,
    )
    .await?;
    let login_key = format!(
        "rl:staff-login-fail:{}",
        crate::platform::crypto::sha256_hex(&login.trim().to_lowercase())
    );
    let failures = state
        .cache
        .get(&login_key)
        .await?
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(0);
    if failures >= limits.staff_login_failures_per_hour {
        return Err(StaffLoginError::LoginLocked.into());
    }
    let account = find_by_login(&state.db, login).await?;
    let phc = account
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |a| a.password_hash.clone());
    let password = password.to_owned();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(ApiError::internal)?;
    let Some(account) = account.filter(|a| matches && a.active) else {
        state.cache.incr(&login_key, HOUR).await?;
        tracing::info!("console login refused");
        return Err(StaffLoginError::InvalidCredentials.into());
    };
    Ok(account)
}

/// Checks a login and password; opens a console API session (bearer tokens).
pub async fn login(
    state: &AppState,
    login: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> Result<(Tokens, Account), ApiError> {
    let account = verify_credentials(state, login, password, ip).await?;
    let record = SessionRecord {
        user_id: account.id,
        user_public_id: account.public_id,
        audience: AUDIENCE_CONSOLE.to_owned(),
        created_at: chrono::Utc::now().timestamp().max(0) as u64,
    };
    let (sid, refresh) = sessions(state).create(&record).await?;
    tracing::info!(staff_id = account.id, "console login");
    Ok((tokens(state, &record, &sid, refresh)?, account))
}

/// Rotates a console refresh token.
pub async fn refresh(
    state: &AppState,
    refresh_token: &str,
    ip: Option<IpAddr>,
) -> Result<(Tokens, Account), ApiError> {
    let (tokens, record) = crate::auth::tokens::refresh(state, refresh_token, ip)
        .await
        .map_err(ApiError::from)?;
    if record.audience != AUDIENCE_CONSOLE {
        return Err(AuthError::SessionRevoked.into());
    }
    let account = super::store::find_account(&state.db, record.user_id)
        .await?
        .filter(|a| a.active)
        .ok_or_else(|| ApiError::from(AuthError::SessionRevoked))?;
    Ok((tokens, account))
}

async fn authenticate(state: &AppState, token: Option<String>) -> Result<CurrentStaff, ApiError> {
    let token = token.ok_or(AuthError::TokenMissing)?;
    let claims = state
        .jwt
        .verify(&token, AUDIENCE_CONSOLE)
        .map_err(AuthError::from)?;
    let record = sessions(state)
        .get(&claims.sid)
        .await?
        .filter(|r| r.audience == AUDIENCE_CONSOLE && r.user_public_id.to_string() == claims.sub)
        .ok_or(AuthError::SessionRevoked)?;
    Ok(
        super::access::session_staff(state, record.user_id, claims.sid)
            .await?
            .ok_or(AuthError::SessionRevoked)?,
    )
}

impl FromRequest for CurrentStaff {
    type Error = ApiError;
    type Future = Authenticating<Self>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        by_bearer(req, authenticate)
    }
}
