//! The tokens a session is used with: the access token (a JWT, `crate::platform::jwt`) and the
//! refresh token that rotates with each use; refresh and logout. Shared by the mini-program's
//! and the console's sessions.

use std::net::IpAddr;
use std::time::Duration;

use super::error::AuthError;
use super::sessions::{SessionRecord, Sessions};
use crate::platform::ratelimit::{self, HOUR, MINUTE};
use crate::state::AppState;

#[derive(Debug)]
pub struct Tokens {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_in: u64,
}

pub fn refresh_ttl(state: &AppState) -> Duration {
    Duration::from_secs(state.settings.jwt.refresh_ttl_secs)
}

pub fn sessions(state: &AppState) -> Sessions<'_> {
    Sessions::new(&*state.cache, refresh_ttl(state))
}

pub fn ip_key(ip: Option<IpAddr>) -> String {
    ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

pub fn tokens_for(
    state: &AppState,
    record: &SessionRecord,
    sid: &str,
    refresh_token: String,
) -> Result<Tokens, AuthError> {
    let access_token =
        state
            .jwt
            .issue(&record.user_public_id.to_string(), sid, &record.audience)?;
    Ok(Tokens {
        access_token,
        expires_in: state.jwt.ttl().as_secs(),
        refresh_token,
        refresh_expires_in: refresh_ttl(state).as_secs(),
    })
}

/// Uses a refresh token: a new access token and the next refresh token in the same session.
pub async fn refresh(
    state: &AppState,
    refresh_token: &str,
    ip: Option<IpAddr>,
) -> Result<(Tokens, SessionRecord), AuthError> {
    let limits = &state.settings.limits;
    ratelimit::check(
        &*state.cache,
        &format!("refresh:ip:{}", ip_key(ip)),
        limits.refresh_per_ip_per_minute,
        MINUTE,
    )
    .await?;
    // Limited before the token is used, so a limited caller keeps a token that still works.
    let sessions = sessions(state);
    let sid = sessions.session_of(refresh_token).await?;
    ratelimit::check(
        &*state.cache,
        &format!("refresh:sid:{sid}"),
        limits.refresh_per_session_per_hour,
        HOUR,
    )
    .await?;
    let (sid, record, next) = sessions.rotate(refresh_token).await?;
    let tokens = tokens_for(state, &record, &sid, next)?;
    Ok((tokens, record))
}

pub async fn logout(state: &AppState, user_id: i64, sid: &str) -> Result<(), AuthError> {
    sessions(state).revoke(sid).await?;
    super::sessions::address_generation::end(&*state.cache, &format!("u{user_id}")).await?;
    Ok(())
}
