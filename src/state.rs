//! What every handler can reach: settings, the database, the cache and the clocks.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;

use crate::cache::SharedCache;
use crate::clock::Clocks;
use crate::config::Settings;

#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: DatabaseConnection,
    pub cache: SharedCache,
    pub clocks: Clocks,
    pub metrics: PrometheusHandle,
}
