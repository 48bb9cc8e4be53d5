//! Objects written ahead of the rows that name them. A row never names a missing object, so
//! the object comes first; a crash, a kill or a failed transaction in between would leave an
//! object no row names, holding a medical record nobody can see or remove. So each such write
//! is [`announce`]d first (committed before the first byte is written), the row's own transaction [`settle`]s it, a write that does not
//! become a row is [`abandon`]ed, and [`sweep`] (run by the worker) removes the objects of
//! announcements older than the grace period, then the announcements. A row's removal that
//! takes its objects with it announces them in its own transaction, so a crash before they
//! are gone leaves them to the sweep too.
//!
//! Only for keys made fresh for the write (a new id in the key): an object that replaces one
//! a row already names must not be announced, or the sweep could remove a named object.

use chrono::{DateTime, Utc};

use super::ObjectStore;
use super::store;
pub use super::store::{announce, settle};
use crate::platform::db::{Db, write_transaction};
use crate::platform::error::Fault;

/// Announcements looked at per round of the sweep.
const BATCH: u64 = 200;

/// Removes the objects of a write that did not become a row (or of a row removed), with
/// their announcements. Only what is still announced goes: a row whose commit did go through
/// (its answer lost on the way) settled its objects, and they stay. What cannot be removed now
/// (the database or the store down) stays announced for the sweep.
pub async fn abandon(db: &Db, storage: &ObjectStore, keys: &[&str]) {
    for key in keys {
        if let Err(e) = take(db, storage, key).await {
            tracing::warn!(error = %e, "an abandoned object stays for the sweep");
        }
    }
}

/// Removes the objects announced before `before` and named by no row since; how many.
pub async fn sweep(db: &Db, storage: &ObjectStore, before: DateTime<Utc>) -> Result<u64, Fault> {
    let mut removed = 0;
    loop {
        let keys = store::announced_before(db, before, BATCH).await?;
        for key in &keys {
            if take(db, storage, key).await? {
                removed += 1;
            }
        }
        if (keys.len() as u64) < BATCH {
            break;
        }
    }
    if removed > 0 {
        tracing::info!(removed, "objects left behind by unfinished writes removed");
    }
    Ok(removed)
}

/// The object of a key still announced, removed with its announcement in one transaction (a
/// late row's [`settle`] waits for it, then finds the announcement gone and rolls back); the
/// object goes before the announcement is committed gone, so a crash leaves it announced.
async fn take(db: &Db, storage: &ObjectStore, key: &str) -> Result<bool, Fault> {
    let txn = write_transaction(db).await?;
    let announced = store::remove(&txn, &[key]).await? == 1;
    if announced {
        storage.delete(key).await?;
    }
    txn.commit().await?;
    Ok(announced)
}
