//! What the service knows of its dependencies' health, so that a request needing one that is
//! down answers 503 at once instead of waiting out a pool or a timeout. The watcher
//! (`super::watch`) sets it; the next successful probe marks a dependency up again, so the
//! service recovers by itself.

use std::sync::atomic::{AtomicBool, Ordering};

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
