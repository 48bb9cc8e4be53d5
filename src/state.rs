//! What every handler can reach: settings, the database, the cache and the clocks.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::calendar::SharedCalendar;
use crate::plans::Plans;
use crate::platform::cache::SharedCache;
use crate::platform::clock::Clocks;
use crate::platform::coalesce::KeyedLocks;
use crate::platform::config::Settings;
use crate::platform::crypto::Crypto;
use crate::platform::db::Db;
use crate::platform::jwt::JwtKeys;
use crate::wechat::WechatClient;

#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    /// One connection of its own for the health probes (a busy pool is not an outage).
    pub watch_db: Db,
    pub cache: SharedCache,
    pub clocks: Clocks,
    pub metrics: PrometheusHandle,
    pub wechat: WechatClient,
    pub jwt: Arc<JwtKeys>,
    pub crypto: Arc<Crypto>,
    /// In-process request coalescing (one WeChat exchange per login code).
    pub locks: Arc<KeyedLocks>,
    /// The accounts logins have named in this process (ids only: they never change).
    pub accounts: Arc<crate::platform::memo::Memo<String, (i64, uuid::Uuid)>>,
    pub calendar: Arc<SharedCalendar>,
    pub storage: crate::platform::storage::ObjectStore,
    /// The threads that run the image pipeline and the record parsers (CPU-bound, off the
    /// async executor), as many as `uploads.pipeline_workers`.
    pub images: crate::platform::cores::Cores,
    /// The memory the images in the pipeline may hold at once, in permits of 64 KiB: an
    /// upload takes its share (from its header) before any pixel is decoded.
    pub image_memory: Arc<tokio::sync::Semaphore>,
    pub plans: Arc<Plans>,
    /// Which dependencies are known to be down (requests needing them fail fast).
    pub outages: Arc<crate::platform::outages::Outages>,
    /// The subscribe-message templates (`config/subscribe_templates.toml`).
    pub templates: Arc<crate::outbox::templates::Templates>,
    /// Product code → product row id.
    pub product_ids: Arc<std::collections::HashMap<String, i64>>,
}

impl AppState {
    /// The dependency probes of the outage watcher and the readiness check.
    pub fn probes(&self) -> crate::platform::watch::Probes {
        crate::platform::watch::Probes {
            database: self.watch_db.clone(),
            cache: self.cache.clone(),
            storage: self.storage.clone(),
            timeout: self.settings.health.check_timeout(),
        }
    }

    /// The plan of a product row.
    pub fn plan_for_product(&self, product_id: i64) -> Option<&Arc<crate::plans::Plan>> {
        self.product_code(product_id)
            .and_then(|code| self.plans.get(code))
    }

    /// The code of a product row.
    pub fn product_code(&self, product_id: i64) -> Option<&str> {
        self.product_ids
            .iter()
            .find(|(_, id)| **id == product_id)
            .map(|(code, _)| code.as_str())
    }
}
