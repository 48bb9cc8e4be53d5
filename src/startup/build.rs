//! Connecting to every dependency and checking every data file: the state the server, the worker
//! and the commands share.

use std::sync::Arc;

use anyhow::Context;

use crate::calendar::{self, Calendar, SharedCalendar};
use crate::outbox::templates::Templates;
use crate::plans::{self, Plans};
use crate::platform::cache::{MemoryCache, RedisCache, SharedCache};
use crate::platform::clock::Clocks;
use crate::platform::config::{CacheBackend, Settings};
use crate::platform::cores::Cores;
use crate::platform::crypto::Crypto;
use crate::platform::jwt::JwtKeys;
use crate::platform::storage::ObjectStore;
use crate::platform::{db, telemetry};
use crate::state::AppState;
use crate::wechat::WechatClient;

/// Openids whose account ids a process remembers (each past it costs one database read again).
const KNOWN_ACCOUNTS: usize = 100_000;

/// Every dependency connected and every data file checked: the state handlers and jobs share.
pub async fn build_state(settings: Settings) -> anyhow::Result<AppState> {
    let settings = Arc::new(settings);
    // Data files first: a bad one is named before any connection is tried.
    let templates = Templates::load(
        &settings.notifications.templates_file,
        settings.is_production(),
    )
    .map_err(|e| anyhow::anyhow!("subscribe templates are invalid:\n{e}"))?;
    let db = db::connect(&settings.database).await?;
    let watch_db = db::connect(&crate::platform::config::DatabaseSettings {
        max_connections: 1,
        min_connections: 0,
        migrate_on_start: false,
        ..settings.database.clone()
    })
    .await?;
    if settings.database.migrate_on_start {
        db::migrate_up(&db).await?;
    }
    let cache = connect_cache(&settings)?;
    let calendar = Arc::new(SharedCalendar::new(load_calendar(&db).await?));
    let plans = Plans::load_dir(&settings.plans.dir)
        .map_err(|e| anyhow::anyhow!("product plans are invalid:\n{e}"))?;
    let product_ids = plans::store::sync(&db, &plans, chrono::Utc::now())
        .await
        .context("cannot store the product plans")?;
    spawn_calendar_reload(
        db.clone(),
        calendar.clone(),
        std::time::Duration::from_secs(settings.calendar.reload_secs.max(1)),
    );
    let outages = Arc::new(crate::platform::outages::Outages::default());
    let storage = ObjectStore::from_settings(&settings.storage)
        .context("cannot set up the object storage")?
        .watched_by(outages.clone());
    let clocks = Clocks::from_settings(&settings.clock, !settings.is_production());
    let wechat = WechatClient::new(&settings.wechat, cache.clone())?;
    Ok(AppState {
        jwt: Arc::new(JwtKeys::from_settings(&settings.jwt)?),
        crypto: Arc::new(Crypto::from_settings(&settings.crypto)?),
        settings: settings.clone(),
        db,
        watch_db,
        cache,
        clocks,
        metrics: telemetry::metrics_handle(),
        wechat,
        locks: Arc::default(),
        accounts: Arc::new(crate::platform::memo::Memo::new(KNOWN_ACCOUNTS)),
        storage,
        images: Cores::start("pipeline", settings.uploads.workers())
            .context("cannot start the image pipeline's threads")?,
        image_memory: Arc::new(tokio::sync::Semaphore::new(
            settings.uploads.budget_permits(),
        )),
        calendar,
        plans: Arc::new(plans),
        templates: Arc::new(templates),
        outages,
        product_ids: Arc::new(product_ids),
    })
}

/// SIGTERM or Ctrl-C.
pub(super) async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// Loads the shipped State Council years the database lacks, then the whole calendar.
async fn load_calendar(db: &db::Db) -> anyhow::Result<Calendar> {
    calendar::store::seed(db, chrono::Utc::now())
        .await
        .context("cannot load the holiday calendar (are the migrations applied?)")?;
    calendar::store::load(db).await
}

/// Picks up a year imported by `import-holidays` on any instance; a failed reload keeps the
/// calendar it has (and says so), it never empties it.
fn spawn_calendar_reload(db: db::Db, shared: Arc<SharedCalendar>, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(every);
        every.tick().await;
        loop {
            every.tick().await;
            match calendar::store::load(&db).await {
                Ok(calendar) => shared.replace(calendar),
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "calendar reload failed")
                }
            }
        }
    });
}

/// The cache the settings name (lazily connected: a Redis that is down fails the first call).
pub fn connect_cache(settings: &Settings) -> anyhow::Result<SharedCache> {
    let prefix = settings.cache.key_prefix.clone();
    Ok(match settings.cache.backend {
        CacheBackend::Memory => Arc::new(MemoryCache::new(prefix)),
        CacheBackend::Redis => {
            let url = settings
                .redis
                .url
                .as_ref()
                .context("APP_REDIS__URL is missing")?;
            Arc::new(RedisCache::connect(url, &settings.redis, prefix)?)
        }
    })
}
