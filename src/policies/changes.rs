//! Every write to policy rows (an import, a partner's push) runs as a change of one cache scope,
//! so that no cached copy made from a policy ([`crate::users::cached`]) outlives the change.

use std::future::Future;
use std::time::Duration;

use crate::platform::cache::guarded::{self, Change, Scope};
use crate::platform::cache::{Cache, CacheError};

/// Longer than a partner's push of one policy may take.
const HOLD_ONE: Duration = Duration::from_secs(120);
/// An import extends its hold at every batch; a batch takes well under this.
pub const HOLD_IMPORT: Duration = Duration::from_secs(600);

pub fn scope() -> Scope {
    Scope::new("policies")
}

/// Runs one short write to policy rows.
pub async fn changing<T, E: From<CacheError>>(
    cache: &dyn Cache,
    write: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    guarded::changing(cache, &[scope()], &[], HOLD_ONE, write).await
}

/// Begins a long write to policy rows (an import), which extends its hold as it goes.
pub async fn begin_import(cache: &dyn Cache) -> Result<Change<'_>, CacheError> {
    guarded::begin(cache, &[scope()], &[], HOLD_IMPORT).await
}
