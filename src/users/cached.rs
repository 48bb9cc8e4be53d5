//! `/me` from the cache: the body a user's `/me` answers with, kept as a guarded copy
//! ([`crate::cache::guarded`]) that depends on the user's own rows (phone, bindings) and on every
//! policy (an import or a partner's push may change a bound policy). Read in the same round trip
//! as the session; every write that changes what `/me` shows runs as a change of its scope.

use std::future::Future;
use std::time::Duration;

use uuid::Uuid;

use crate::cache::guarded::{self, GuardedCopy, Scope};
use crate::cache::{Cache, CacheError};

/// How long a copy is kept without being read again into the database.
const COPY_TTL: Duration = Duration::from_secs(24 * 3600);
/// Longer than any change of a user's rows may take (a few statements, each bounded).
const HOLD: Duration = Duration::from_secs(120);

fn scope(user: Uuid) -> Scope {
    Scope::new(&format!("me:{user}"))
}

fn copy_key(user: Uuid) -> String {
    format!("me:{user}:copy")
}

/// The copy of `user`'s `/me`; `subject` is the token's subject (the user's public id).
pub fn copy(subject: &str) -> Option<GuardedCopy> {
    let user = Uuid::parse_str(subject).ok()?;
    Some(GuardedCopy::new(
        copy_key(user),
        vec![scope(user), crate::policies::changes::scope()],
        COPY_TTL,
    ))
}

/// Runs `write`, a change of what `user`'s `/me` shows, so that the next `/me` shows it.
pub async fn changing<T, E: From<CacheError>>(
    cache: &dyn Cache,
    user: Uuid,
    write: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    guarded::changing(cache, &scope(user), &[&copy_key(user)], HOLD, write).await
}
