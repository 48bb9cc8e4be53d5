//! The database connection as sea-orm makes it: PostgreSQL in production, a SQLite file in the
//! embedded profile, chosen by the URL's scheme (one build carries both drivers); migrations;
//! write transactions; which errors mean the database is out of reach. The pool itself, and
//! what it does when its connections die under it, is in [`pool`].

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseTransaction, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use secrecy::ExposeSecret;

use crate::platform::config::{DatabaseKind, DatabaseSettings};

/// The database's error, as the areas' error enums take it in (see `faults_from!`).
pub use sea_orm::DbErr;

mod pool;

pub use pool::Db;

pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<Db> {
    let url = settings
        .url
        .as_ref()
        .context("APP_DATABASE__URL is missing")?
        .expose_secret()
        .to_owned();
    let kind = DatabaseKind::of(&url).context("APP_DATABASE__URL has an unknown scheme")?;
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(settings.max_connections)
        .min_connections(settings.min_connections)
        .connect_timeout(Duration::from_millis(settings.connect_timeout_ms))
        .acquire_timeout(Duration::from_millis(settings.acquire_timeout_ms))
        // sqlx logs every statement at INFO; our own spans say what matters.
        .sqlx_logging(false)
        // No ping on every checkout (a round trip per statement for nothing): only a connection
        // idle long enough to have been dropped by the server or a proxy is checked first.
        .test_before_acquire_if_idle_for(Duration::from_secs(30));
    match kind {
        DatabaseKind::Sqlite => {
            ensure_sqlite_directory(&url)?;
            // sqlx leaves these to the caller: WAL so readers never block the writer,
            // busy_timeout so a writer waits for the lock instead of failing, foreign keys on.
            options.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
                    .synchronous(SqliteSynchronous::Normal)
                    .create_if_missing(true)
            });
        }
        DatabaseKind::Postgres => {
            // Start even when PostgreSQL is down: the readiness probe says so, and the pool
            // connects when it returns.
            options.connect_lazy(true);
        }
    }
    let recovery = Arc::new(pool::Recovery::default());
    recovery.install(&mut options);
    let pool = Database::connect(options)
        .await
        .with_context(|| format!("cannot open the {kind:?} database"))?;
    Ok(Db::new(pool, recovery))
}

/// A relative SQLite path lives under the working directory's git-ignored state folder; make sure
/// its directory exists on a fresh clone.
fn ensure_sqlite_directory(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        return Ok(());
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the directory {}", parent.display()))?;
    }
    Ok(())
}

pub async fn migrate_up(db: &Db) -> anyhow::Result<()> {
    Migrator::up(db.pool(), None)
        .await
        .context("migrations failed")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub name: String,
    pub applied: bool,
}

pub async fn migration_status(db: &Db) -> anyhow::Result<Vec<MigrationState>> {
    let migrations = Migrator::get_migration_with_status(db.pool())
        .await
        .context("cannot read the migration table")?;
    Ok(migrations
        .into_iter()
        .map(|m| MigrationState {
            name: m.name().to_owned(),
            applied: matches!(m.status(), migration::MigrationStatus::Applied),
        })
        .collect())
}

pub async fn migrate_down(db: &Db, steps: u32) -> anyhow::Result<()> {
    Migrator::down(db.pool(), Some(steps))
        .await
        .context("rolling back failed")
}

/// Whether a database error is the connection failing (the server gone, the link cut), not
/// the statement: an outage, whatever step it surfaced in.
pub fn connection_lost(error: &sea_orm::DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::{DbErr, RuntimeErr};
    match error {
        DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                Sqlx::Io(_)
                | Sqlx::Tls(_)
                | Sqlx::PoolTimedOut
                | Sqlx::PoolClosed
                | Sqlx::WorkerCrashed => true,
                // PostgreSQL shutting down or restarting (class 57P).
                Sqlx::Database(e) => e.code().is_some_and(|code| code.starts_with("57P")),
                _ => false,
            }
        }
        _ => false,
    }
}

/// A write transaction that takes SQLite's write lock at `BEGIN` (sea-orm silently drops
/// `FOR UPDATE` on SQLite, and a deferred transaction upgrading to a writer can fail with
/// SQLITE_BUSY instead of waiting). On PostgreSQL it is an ordinary transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn write_transaction(db: &Db) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

#[cfg(test)]
mod tests {
    use crate::platform::error::{ApiError, codes};

    #[test]
    fn a_database_out_of_reach_is_a_503_and_a_bug_a_500() {
        let db: ApiError =
            sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout).into();
        assert_eq!(db.status(), 503);
        assert_eq!(db.code(), codes::DATABASE_UNAVAILABLE);
        assert_eq!(db.retry_after_secs(), Some(5));
        let bug: ApiError = sea_orm::DbErr::Custom("syntax".to_owned()).into();
        assert_eq!(bug.status(), 500);
    }
}
