//! What the service knows of its dependencies' health, so that a request needing one that is
//! down answers 503 at once instead of waiting out a pool or a timeout. A watcher probes the
//! database, the cache and the object store every `WATCH_EVERY` (each probe bounded by the
//! health check's timeout); the next successful probe marks a dependency up again, so the
//! service recovers by itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the watcher probes.
pub const WATCH_EVERY: Duration = Duration::from_millis(250);
/// Failed probes in a row before a dependency is down (one slow probe on a busy host is not an
/// outage).
pub const FAILURES_TO_DOWN: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Dependency {
    Database,
    Cache,
    Storage,
}

/// Up or down, per dependency. Cheap to read on every request; waiters are woken on a change
/// (no polling).
#[derive(Debug, Default)]
pub struct Outages {
    database: AtomicBool,
    cache: AtomicBool,
    storage: AtomicBool,
    changed: tokio::sync::Notify,
}

impl Outages {
    fn flag(&self, dependency: Dependency) -> &AtomicBool {
        match dependency {
            Dependency::Database => &self.database,
            Dependency::Cache => &self.cache,
            Dependency::Storage => &self.storage,
        }
    }

    pub fn is_down(&self, dependency: Dependency) -> bool {
        self.flag(dependency).load(Ordering::Relaxed)
    }

    /// Resolves once any of `dependencies` is down.
    pub async fn until_down(&self, dependencies: &[Dependency]) {
        loop {
            // Registered before the check, so a change between the two is not missed.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if dependencies.iter().any(|d| self.is_down(*d)) {
                return;
            }
            changed.await;
        }
    }

    /// Records a probe's or a call's finding; logs a change once.
    pub fn set(&self, dependency: Dependency, up: bool) {
        let was_down = self.flag(dependency).swap(!up, Ordering::Relaxed);
        if was_down == up {
            self.changed.notify_waiters();
        }
        let name: &'static str = dependency.into();
        match (was_down, up) {
            (false, false) => tracing::warn!(dependency = name, "dependency down: failing fast"),
            (true, true) => tracing::info!(dependency = name, "dependency back"),
            _ => {}
        }
    }
}

/// Probes every dependency every `WATCH_EVERY` until the process ends.
pub fn spawn_watch(state: crate::state::AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(WATCH_EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failures = [0u32; 3];
        loop {
            ticker.tick().await;
            let (database, cache, storage) = crate::health::probe(&state).await;
            let outages: &Arc<Outages> = &state.outages;
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
