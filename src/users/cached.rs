//! `/me` and login from the cache.
//!
//! - `/me`: the body a user's `/me` answers with, kept as a guarded copy
//!   ([`crate::platform::cache::guarded`]) under the user's scope here (and the policies' scope:
//!   `crate::me::service` makes it). Read in the same round trip as the session.
//! - login: the account an openid names and what the login answer says of it (phone bound,
//!   policies bound), a guarded copy under the openid's own scope (a login knows only the openid
//!   until it has read the account). Read in the same round trip as the per-openid rate limit.
//!
//! Every write that changes what either shows runs as a change of both scopes ([`changing`]).

use std::future::Future;
use std::time::Duration;

use crate::platform::db::DbErr;
use uuid::Uuid;

use crate::platform::cache::CacheError;
use crate::platform::cache::guarded::{self, GuardedCopy, Scope};
use crate::platform::crypto::sha256_hex;
use crate::state::AppState;

/// How long a login copy is kept without being read again into the database.
const COPY_TTL: Duration = Duration::from_secs(24 * 3600);
/// Longer than any change of a user's rows may take (a few statements, each bounded).
const HOLD: Duration = Duration::from_secs(120);

pub fn scope(user: Uuid) -> Scope {
    Scope::new(&format!("me:{user}"))
}

pub fn copy_key(user: Uuid) -> String {
    format!("me:{user}:copy")
}

fn login_scope(openid_hash: &str) -> Scope {
    Scope::new(&format!("login:{openid_hash}"))
}

fn login_key(openid_hash: &str) -> String {
    format!("login:{openid_hash}:copy")
}

/// The copy of what a login with `openid` answers (see [`crate::users::store::LoginUser`]).
pub fn login_copy(openid: &str) -> GuardedCopy {
    let hash = sha256_hex(openid);
    GuardedCopy::new(login_key(&hash), vec![login_scope(&hash)], COPY_TTL)
}

/// Runs `write`, a change of what user `user_id` (public id `user`) sees of their account (phone,
/// bindings), so that their next `/me` and their next login show it: both copies are dropped and
/// both scopes held while it runs.
pub async fn changing<T, E: From<CacheError> + From<DbErr>>(
    state: &AppState,
    user_id: i64,
    user: Uuid,
    write: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let mut scopes = vec![scope(user)];
    let mut copies = vec![copy_key(user)];
    // A user who is gone has no login to keep right.
    if let Some(account) = super::store::find(&state.db, user_id).await? {
        let hash = sha256_hex(&account.openid);
        scopes.push(login_scope(&hash));
        copies.push(login_key(&hash));
    }
    let copies: Vec<&str> = copies.iter().map(String::as_str).collect();
    guarded::changing(&*state.cache, &scopes, &copies, HOLD, write).await
}
