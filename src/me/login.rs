//! Login with a `wx.login` code: the code exchanged once (`exchange`), the account found or
//! made, a session opened; in as few cache round trips as the account allows.

use std::net::IpAddr;

use secrecy::ExposeSecret;
use serde::Deserialize;
use uuid::Uuid;

use super::exchange;
use super::service::UserSummary;
use crate::auth::error::AuthError;
use crate::auth::sessions::{Opening, SessionRecord};
use crate::auth::tokens::{Tokens, ip_key, refresh_ttl, sessions, tokens_for};
use crate::platform::cache::{Reply, Step, Write};
use crate::platform::crypto::sha256_hex;
use crate::platform::jwt::AUDIENCE_MINIAPP;
use crate::platform::ratelimit::{HOUR, Limit, MINUTE};
use crate::state::AppState;
use crate::users;

const DEV_PREFIX: &str = "dev:";

/// A login code as the mini-program sends it: `wx.login`'s code, or `dev:<name>` locally.
#[derive(Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct LoginCode(pub(super) String);

impl std::fmt::Debug for LoginCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginCode(..)")
    }
}

impl TryFrom<String> for LoginCode {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        let value = value.trim().to_owned();
        if value.is_empty() || value.len() > 256 {
            return Err("code must be 1 to 256 characters".to_owned());
        }
        if !value.chars().all(|c| c.is_ascii_graphic()) {
            return Err("code must be printable ASCII without spaces".to_owned());
        }
        Ok(Self(value))
    }
}

impl LoginCode {
    fn dev_name(&self) -> Option<&str> {
        self.0.strip_prefix(DEV_PREFIX)
    }
}

#[derive(Debug)]
pub struct LoginOutcome {
    pub tokens: Tokens,
    pub user: UserSummary,
}

pub async fn login(
    state: &AppState,
    code: LoginCode,
    ip: Option<IpAddr>,
) -> Result<LoginOutcome, AuthError> {
    let limits = &state.settings.limits;
    let ip_limit = Limit::new(
        &format!("login:ip:{}", ip_key(ip)),
        limits.login_per_ip_per_minute,
        MINUTE,
    );
    let identity = match code.dev_name() {
        Some(name) => {
            ip_limit.check(&*state.cache).await?;
            exchange::dev_identity(state, name)?
        }
        None => exchange::exchange_once(state, &code.0, ip_limit).await?,
    };
    // An account this process has seen: its session opens in the next round trip.
    let mut early = match state.accounts.get(&identity.openid) {
        Some((user_id, public_id)) => Some(opening(state, &identity, user_id, public_id)?),
        None => None,
    };
    // One round trip: what the exchange taught (kept even when the limit is passed), the
    // per-openid limit, then the login copy of the account (a shared cache only) and the session.
    let mut steps = Vec::with_capacity(8);
    if let Some((key, outcome)) = &identity.to_store {
        steps.push(Step::Write(Write::Set {
            key: key.clone(),
            value: outcome.clone(),
            ttl: exchange::CODE_OUTCOME_TTL,
        }));
    }
    let openid_limit = Limit::new(
        &format!("login:openid:{}", sha256_hex(&identity.openid)),
        limits.login_per_openid_per_hour,
        HOUR,
    );
    steps.push(openid_limit.step());
    let copy = state
        .cache
        .shared()
        .then(|| users::cached::login_copy(&identity.openid));
    if let Some(copy) = &copy {
        steps.extend(copy.keys().into_iter().map(|key| Step::Get { key }));
    }
    if let Some((_, opening)) = &mut early {
        steps.extend(
            std::mem::take(&mut opening.writes)
                .into_iter()
                .map(Step::Write),
        );
    }
    let read = openid_limit.after(state.cache.run(&steps).await?)?;
    let cached = copy.map(|copy| {
        let values = read
            .into_iter()
            .filter_map(|reply| match reply {
                Reply::Value(value) => Some(value),
                _ => None,
            })
            .collect();
        let found = copy.found(values);
        (copy, found)
    });
    let account =
        super::service::login_user(state, &identity.openid, identity.unionid.as_deref(), cached)
            .await;
    let (user_id, user) = match account {
        Ok(account) => account,
        Err(error) => {
            if let Some((_, opened)) = &early {
                // Nobody holds its tokens; it goes at once rather than when it runs out.
                let _ = sessions(state).revoke(&opened.sid).await;
            }
            return Err(error.into());
        }
    };
    state
        .accounts
        .remember(identity.openid.clone(), (user_id, user.id));
    let (record, opened) = match early {
        Some((record, opened)) if record.user_id == user_id && record.user_public_id == user.id => {
            (record, opened)
        }
        stale => {
            if let Some((_, opened)) = stale {
                // Not an account this process knew after all (the database was replaced).
                tracing::warn!(
                    user_id,
                    "a remembered account did not match; session reopened"
                );
                sessions(state).revoke(&opened.sid).await?;
            }
            let (record, opened) = opening(state, &identity, user_id, user.id)?;
            state.cache.apply(&opened.writes).await?;
            (record, opened)
        }
    };
    let tokens = tokens_for(state, &record, &opened.sid, opened.refresh_token)?;
    tracing::info!(user_id, "logged in");
    Ok(LoginOutcome { tokens, user })
}

/// The session a login opens for account `user_id` (public id `public_id`), with the sealed
/// WeChat session key when this request made the exchange.
fn opening(
    state: &AppState,
    identity: &exchange::Identity,
    user_id: i64,
    public_id: Uuid,
) -> Result<(SessionRecord, Opening), AuthError> {
    let mut more = Vec::new();
    if let Some(session_key) = &identity.session_key {
        // Kept server-side only, sealed, for as long as a session may live.
        let sealed = state
            .crypto
            .seal(
                session_key.expose_secret().as_bytes(),
                &session_key_aad(user_id),
            )
            .map_err(|e| AuthError::Fault(anyhow::Error::from(e).into()))?;
        more.push(Write::Set {
            key: format!("wxsk:{user_id}"),
            value: sealed,
            ttl: refresh_ttl(state),
        });
    }
    let record = SessionRecord {
        user_id,
        user_public_id: public_id,
        audience: AUDIENCE_MINIAPP.to_owned(),
        created_at: chrono::Utc::now().timestamp().max(0) as u64,
    };
    let opened = sessions(state).opening(&record, more)?;
    Ok((record, opened))
}

pub fn session_key_aad(user_id: i64) -> String {
    format!("wechat|session_key|{user_id}")
}
