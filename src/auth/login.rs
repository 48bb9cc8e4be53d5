//! Login with a `wx.login` code, refresh, logout: the domain operations behind the routes.

use std::net::IpAddr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::error::AuthError;
use super::jwt::AUDIENCE_MINIAPP;
use super::sessions::{SessionRecord, Sessions};
use crate::cache::{CacheError, GetOrLock, Write};
use crate::crypto::{random_token, sha256_hex};
use crate::ratelimit::{self, HOUR, MINUTE};
use crate::state::AppState;
use crate::users::service::{self as users, UserSummary};

/// WeChat codes are valid for five minutes and single-use: the outcome of exchanging one is
/// kept that long, so a page that fires twice gets one upstream call and one answer.
const CODE_OUTCOME_TTL: Duration = Duration::from_secs(300);
const CODE_LOCK_TTL: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(50);
const DEV_PREFIX: &str = "dev:";

/// A login code as the mini-program sends it: `wx.login`'s code, or `dev:<name>` locally.
#[derive(Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct LoginCode(String);

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

/// What `jscode2session` said about a code, shared by everyone presenting the same code.
#[derive(Debug, Serialize, Deserialize)]
enum CodeOutcome {
    Identity {
        openid: String,
        unionid: Option<String>,
    },
    Refused {
        errcode: i64,
    },
}

struct Identity {
    openid: String,
    unionid: Option<String>,
    /// Only the request that made the upstream call holds it.
    session_key: Option<SecretString>,
    /// The exchange to record for the code (only the request that made the call has one).
    to_store: Option<(String, Vec<u8>)>,
}

#[derive(Debug)]
pub struct Tokens {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_in: u64,
}

#[derive(Debug)]
pub struct LoginOutcome {
    pub tokens: Tokens,
    pub user: UserSummary,
}

fn refresh_ttl(state: &AppState) -> Duration {
    Duration::from_secs(state.settings.jwt.refresh_ttl_secs)
}

pub fn sessions(state: &AppState) -> Sessions<'_> {
    Sessions::new(&*state.cache, refresh_ttl(state))
}

fn ip_key(ip: Option<IpAddr>) -> String {
    ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

pub async fn login(
    state: &AppState,
    code: LoginCode,
    ip: Option<IpAddr>,
) -> Result<LoginOutcome, AuthError> {
    let limits = &state.settings.limits;
    ratelimit::check(
        &*state.cache,
        &format!("login:ip:{}", ip_key(ip)),
        limits.login_per_ip_per_minute,
        MINUTE,
    )
    .await?;
    let identity = match code.dev_name() {
        Some(name) => dev_identity(state, name)?,
        None => exchange_once(state, &code).await?,
    };
    // What the exchange taught, the per-openid limit and the account: three independent round
    // trips, made at once.
    let store_outcome = async {
        match &identity.to_store {
            Some((key, outcome)) => state.cache.set(key, outcome, CODE_OUTCOME_TTL).await,
            None => Ok(()),
        }
    };
    let openid_key = format!("login:openid:{}", sha256_hex(&identity.openid));
    let openid_limit = ratelimit::check(
        &*state.cache,
        &openid_key,
        limits.login_per_openid_per_hour,
        HOUR,
    );
    let account = users::login_user(state, &identity.openid, identity.unionid.as_deref());
    let (stored, limited, account) = tokio::join!(store_outcome, openid_limit, account);
    stored?;
    limited?;
    let (user_id, user) = account?;
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
        user_public_id: user.id,
        audience: AUDIENCE_MINIAPP.to_owned(),
        created_at: chrono::Utc::now().timestamp().max(0) as u64,
    };
    let (sid, refresh_token) = sessions(state).create_with(&record, more).await?;
    let tokens = tokens_for(state, &record, &sid, refresh_token)?;
    tracing::info!(user_id, "logged in");
    Ok(LoginOutcome { tokens, user })
}

pub fn session_key_aad(user_id: i64) -> String {
    format!("wechat|session_key|{user_id}")
}

fn tokens_for(
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

/// `dev:<name>`: a stable fake openid without WeChat, for the embedded profile only.
fn dev_identity(state: &AppState, name: &str) -> Result<Identity, AuthError> {
    if !state.settings.wechat.dev_login || state.settings.is_production() {
        return Err(AuthError::DevLoginDisabled);
    }
    if name.is_empty() || name.len() > 64 {
        return Err(AuthError::CodeInvalid);
    }
    Ok(Identity {
        openid: format!("dev-{}", &sha256_hex(&format!("dev-login|{name}"))[..28]),
        unionid: None,
        session_key: None,
        to_store: None,
    })
}

/// Exchanges a code with WeChat once for everyone presenting it: an in-process lock per code,
/// then, in one cache round trip, the stored outcome or a short lock across instances; followers
/// read the outcome. The caller stores this exchange's outcome (with its other writes).
async fn exchange_once(state: &AppState, code: &LoginCode) -> Result<Identity, AuthError> {
    let key = format!("wxcode:{}", sha256_hex(&code.0));
    let _one_per_process = state.locks.lock(&key).await;
    let lock_key = format!("{key}:lock");
    let owner = random_token();
    let deadline = tokio::time::Instant::now()
        + Duration::from_millis(state.settings.wechat.timeout_ms)
        + CODE_LOCK_TTL;
    loop {
        match state
            .cache
            .get_or_lock(&key, &lock_key, owner.as_bytes(), CODE_LOCK_TTL)
            .await?
        {
            GetOrLock::Found(bytes) => {
                let outcome = serde_json::from_slice(&bytes).map_err(|e| CacheError::Decode {
                    key: key.clone(),
                    reason: e.to_string(),
                })?;
                return from_outcome(outcome);
            }
            GetOrLock::Locked => break,
            GetOrLock::Busy if tokio::time::Instant::now() >= deadline => {
                return Err(AuthError::WechatUnavailable(
                    "another instance is still exchanging this code".to_owned(),
                ));
            }
            GetOrLock::Busy => tokio::time::sleep(POLL).await,
        }
    }
    let result = state.wechat.code2session(&code.0).await;
    let outcome = match &result {
        Ok(session) => Some(CodeOutcome::Identity {
            openid: session.openid.clone(),
            unionid: session.unionid.clone(),
        }),
        // Answers about the code itself are final for this code; anything else may be retried.
        Err(error) => match error.errcode() {
            Some(
                code @ (crate::wechat::errcode::INVALID_CODE
                | crate::wechat::errcode::CODE_USED
                | crate::wechat::errcode::HIGH_RISK_USER),
            ) => Some(CodeOutcome::Refused { errcode: code }),
            _ => None,
        },
    };
    let encoded = |outcome: &CodeOutcome| {
        serde_json::to_vec(outcome).map_err(|e| CacheError::Decode {
            key: key.clone(),
            reason: e.to_string(),
        })
    };
    match (result, outcome) {
        // The lock is left to run out: whoever comes next reads the outcome before trying it.
        (Ok(session), Some(outcome)) => Ok(Identity {
            openid: session.openid,
            unionid: session.unionid,
            session_key: Some(session.session_key),
            to_store: Some((key.clone(), encoded(&outcome)?)),
        }),
        (Err(error), Some(outcome)) => {
            state
                .cache
                .set(&key, &encoded(&outcome)?, CODE_OUTCOME_TTL)
                .await?;
            Err(error.into())
        }
        // Nothing learnt (WeChat was unreachable): the lock goes, so a retry can call again.
        (result, None) => {
            state
                .cache
                .delete_if_equals(&lock_key, owner.as_bytes())
                .await?;
            let session = result?;
            Ok(Identity {
                openid: session.openid,
                unionid: session.unionid,
                session_key: Some(session.session_key),
                to_store: None,
            })
        }
    }
}

fn from_outcome(outcome: CodeOutcome) -> Result<Identity, AuthError> {
    match outcome {
        CodeOutcome::Identity { openid, unionid } => Ok(Identity {
            openid,
            unionid,
            session_key: None,
            to_store: None,
        }),
        CodeOutcome::Refused { errcode } => Err(crate::wechat::WechatError::Api {
            code: errcode,
            message: String::new(),
        }
        .into()),
    }
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

pub async fn logout(state: &AppState, sid: &str) -> Result<(), AuthError> {
    sessions(state).revoke(sid).await?;
    Ok(())
}
