//! Console web sessions: a random token in an `HttpOnly`, `SameSite=Strict` cookie (`Secure` and
//! `__Host-` prefixed in production), the session itself in the cache under the token's hash, so
//! logout ends it at once on every instance. Each session carries its own CSRF token, checked on
//! every state-changing request. The account is re-read on every request
//! (`staff::access::session_staff`): a deactivated account or a changed role acts at once.
//! A session ends after `console.idle_timeout_secs` without a request the user made (a page's
//! own timed refresh does not count), and `console.session_ttl_secs` after it opened whatever
//! happens. These cookies authorise console pages only; the JSON API reads bearer tokens only.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::platform::cache::{CacheError, Reply, Step, Write};
use crate::platform::crypto::{random_token, sha256_hex};
use crate::platform::error::Fault;
use crate::staff::access::{CurrentStaff, session_staff};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct WebSession {
    staff_id: i64,
    csrf: String,
    /// When it opened (Unix seconds); a session stored before this was recorded reads as 0 and
    /// is over (its user signs in once more).
    #[serde(default)]
    opened_at: u64,
}

/// Whether a request is the user's doing (it keeps an idle session open) or a page refreshing
/// itself on a timer (it does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    User,
    Refresh,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn idle(state: &AppState) -> Duration {
    Duration::from_secs(state.settings.console.idle_timeout_secs)
}

fn key(token: &str) -> String {
    format!("csess:{}", sha256_hex(token))
}

/// The name of the session cookie: `__Host-` (Secure, no Domain, Path=/) where the site is served
/// over HTTPS, i.e. in production.
pub fn cookie_name(state: &AppState) -> &'static str {
    if state.settings.is_production() {
        "__Host-gc_console"
    } else {
        "gc_console"
    }
}

/// The `Set-Cookie` value that opens a session with `token` (or, with `None`, ends it).
pub fn cookie(state: &AppState, token: Option<&str>) -> String {
    let name = cookie_name(state);
    let secure = if state.settings.is_production() {
        "; Secure"
    } else {
        ""
    };
    match token {
        Some(token) => format!(
            "{name}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            state.settings.console.session_ttl_secs
        ),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}

/// A signed-in console user: who, and the CSRF token their forms must send back.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    pub staff: CurrentStaff,
    pub csrf: String,
}

/// Opens a session for `staff_id`; the cookie's token.
pub async fn open(state: &AppState, staff_id: i64) -> Result<String, Fault> {
    let token = random_token();
    let session = WebSession {
        staff_id,
        csrf: random_token(),
        opened_at: unix_now(),
    };
    state
        .cache
        .set_json(&key(&token), &session, idle(state))
        .await?;
    Ok(token)
}

/// The user of a session token, if the session is open and the account active. A request of
/// the user's keeps the session for another idle span, in the same round trip as the read (a
/// touch: a session closed meanwhile stays closed).
pub async fn resolve(
    state: &AppState,
    token: &str,
    activity: Activity,
) -> Result<Option<ConsoleUser>, Fault> {
    let key = key(token);
    let mut steps = vec![Step::Get { key: key.clone() }];
    if activity == Activity::User {
        steps.push(Step::Write(Write::Touch {
            key: key.clone(),
            ttl: idle(state),
        }));
    }
    let stored = match state.cache.run(&steps).await?.into_iter().next() {
        Some(Reply::Value(Some(bytes))) => bytes,
        _ => return Ok(None),
    };
    let session: WebSession = serde_json::from_slice(&stored).map_err(|e| CacheError::Decode {
        key: key.clone(),
        reason: e.to_string(),
    })?;
    let lasted = unix_now().saturating_sub(session.opened_at);
    if lasted >= state.settings.console.session_ttl_secs {
        state.cache.delete(&key).await?;
        return Ok(None);
    }
    let session_id = format!("web:{}", &sha256_hex(token)[..16]);
    Ok(session_staff(state, session.staff_id, session_id)
        .await?
        .map(|staff| ConsoleUser {
            staff,
            csrf: session.csrf,
        }))
}

/// Ends the session of `token` (on every instance: the cache is shared).
pub async fn close(state: &AppState, token: &str) -> Result<(), Fault> {
    state.cache.delete(&key(token)).await?;
    Ok(())
}

/// Whether `presented` is the session's CSRF token (compared in constant time).
pub fn csrf_ok(user: &ConsoleUser, presented: Option<&str>) -> bool {
    let Some(presented) = presented else {
        return false;
    };
    crate::platform::crypto::same_secret(&user.csrf, presented)
}
