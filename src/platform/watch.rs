//! The watcher: probes the database, the cache and the object store every `WATCH_EVERY` (each
//! probe bounded by the health check's timeout) and records what it finds in [`Outages`].

use std::sync::Arc;
use std::time::Duration;

use super::cache::SharedCache;
use super::outages::{Dependency, Outages};
use super::storage::ObjectStore;

/// How often the watcher probes.
pub const WATCH_EVERY: Duration = Duration::from_millis(250);
/// Failed probes in a row before a dependency is down (one slow probe on a busy host is not an
/// outage).
pub const FAILURES_TO_DOWN: u32 = 2;

/// What the watcher and the readiness check ask: the database (on a connection of its own: a
/// pool busy with a burst is not down), the cache and the object store, each within `timeout`.
#[derive(Debug, Clone)]
pub struct Probes {
    pub database: super::db::Db,
    pub cache: SharedCache,
    pub storage: ObjectStore,
    pub timeout: Duration,
}

impl Probes {
    /// Whether the database, the cache and the object store each answer within the timeout.
    pub async fn run(&self) -> (bool, bool, bool) {
        let timeout = self.timeout;
        let database = async {
            matches!(
                tokio::time::timeout(timeout, self.database.ping()).await,
                Ok(Ok(()))
            )
        };
        let cache = async {
            matches!(
                tokio::time::timeout(timeout, self.cache.ping()).await,
                Ok(Ok(()))
            )
        };
        let storage = async {
            matches!(
                tokio::time::timeout(timeout, self.storage.check()).await,
                Ok(Ok(()))
            )
        };
        tokio::join!(database, cache, storage)
    }
}

/// Probes every dependency every `WATCH_EVERY` until the process ends.
pub fn spawn_watch(outages: Arc<Outages>, probes: Probes) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(WATCH_EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failures = [0u32; 3];
        loop {
            ticker.tick().await;
            let (database, cache, storage) = probes.run().await;
            for (n, (dependency, up)) in [
                (Dependency::Database, database),
                (Dependency::Cache, cache),
                (Dependency::Storage, storage),
            ]
            .into_iter()
            .enumerate()
            {
                failures[n] = if up { 0 } else { failures[n] + 1 };
                if up || failures[n] >= FAILURES_TO_DOWN {
                    outages.set(dependency, up);
                }
            }
        }
    })
}
