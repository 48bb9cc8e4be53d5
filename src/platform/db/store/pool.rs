//! The pool the service works through, over sea-orm's: when the database restarts (or a proxy
//! drops its connections), every pooled connection is dead and the first statement on each
//! would fail. So a read, or a `BEGIN`, that fails because its connection turned out dead is
//! tried once more; and once such a loss is seen, every checkout is pinged for a while
//! ([`RECOVERY`]), so the pool replaces its other dead connections instead of handing them out.
//! Nothing else is retried: a write may have happened before its connection died.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sea_orm::sqlx::Connection as _;
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, DbErr, ExecResult, IsolationLevel, QueryResult, RuntimeErr, Statement,
    TransactionError, TransactionOptions, TransactionTrait,
};

/// How long after a lost connection is seen every checkout is pinged first.
pub const RECOVERY: Duration = Duration::from_secs(30);

/// When a lost connection was last seen (milliseconds since the epoch; 0: never).
#[derive(Debug, Default)]
pub(super) struct Recovery {
    lost_at_ms: AtomicU64,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl Recovery {
    fn lost(&self) {
        self.lost_at_ms.store(now_ms(), Ordering::Relaxed);
    }

    /// Whether a loss was seen within [`RECOVERY`].
    fn recovering(&self) -> bool {
        let at = self.lost_at_ms.load(Ordering::Relaxed);
        at != 0 && now_ms().saturating_sub(at) < RECOVERY.as_millis() as u64
    }

    /// Pings each PostgreSQL connection before it is handed out while recovering (a dead one
    /// is dropped and the pool takes or opens another).
    pub(super) fn install(self: &Arc<Self>, options: &mut ConnectOptions) {
        let recovery = Arc::clone(self);
        options.map_sqlx_postgres_before_acquire(move |connection, _| {
            let recovering = recovery.recovering();
            Box::pin(async move {
                if recovering {
                    connection.ping().await?;
                }
                Ok(true)
            })
        });
    }
}

/// A connection pool to the database: what `AppState` holds and the stores are handed.
#[derive(Debug, Clone)]
pub struct Db {
    pool: DatabaseConnection,
    recovery: Arc<Recovery>,
}

/// Whether `error` is a statement meeting a connection that turned out dead (the server
/// restarted or the link was cut while it sat in the pool): the statement never ran. Not a
/// pool that cannot get a connection (the database is down: retrying would only wait twice).
fn dead_connection(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    let sqlx = match error {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e.as_ref(),
        _ => return false,
    };
    match sqlx {
        Sqlx::Io(_) | Sqlx::Tls(_) | Sqlx::WorkerCrashed | Sqlx::Protocol(_) => true,
        // What PostgreSQL tells its clients as it shuts down or restarts (class 57P:
        // admin_shutdown, crash_shutdown, cannot_connect_now).
        Sqlx::Database(e) => e.code().is_some_and(|code| code.starts_with("57P")),
        _ => false,
    }
}

/// A statement that only reads (and so may run twice).
fn reads_only(statement: &Statement) -> bool {
    let sql = statement.sql.trim_start();
    sql.get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("select"))
        && !sql
            .as_bytes()
            .windows(" FOR UPDATE".len())
            .any(|w| w.eq_ignore_ascii_case(b" FOR UPDATE"))
}

impl Db {
    pub(super) fn new(pool: DatabaseConnection, recovery: Arc<Recovery>) -> Self {
        Self { pool, recovery }
    }

    /// sea-orm's own pool (for the migrator).
    pub(super) fn pool(&self) -> &DatabaseConnection {
        &self.pool
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), DbErr> {
        let answer = self.pool.ping().await;
        self.seen(answer)
    }

    /// Notes a dead connection in `result`.
    fn seen<T>(&self, result: Result<T, DbErr>) -> Result<T, DbErr> {
        if let Err(e) = &result
            && dead_connection(e)
        {
            self.recovery.lost();
        }
        result
    }

    /// `call`, once more on a dead connection (the pool pinging its checkouts from then on,
    /// so the second try gets a live one). Only for what ran nothing when it failed.
    async fn twice<T, F, Fut>(&self, call: F) -> Result<T, DbErr>
    where
        F: Fn() -> Fut + Send + Sync,
        Fut: Future<Output = Result<T, DbErr>> + Send,
        T: Send,
    {
        match call().await {
            Err(e) if dead_connection(&e) => {
                self.recovery.lost();
                tracing::info!(error = %e, "a pooled database connection was dead; tried once more");
                self.seen(call().await)
            }
            other => other,
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Db {
    fn get_database_backend(&self) -> DbBackend {
        self.pool.get_database_backend()
    }

    // Writes run once, the statement moved, not copied.
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        let answer = self.pool.execute_raw(stmt).await;
        self.seen(answer)
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        let answer = self.pool.execute_unprepared(sql).await;
        self.seen(answer)
    }

    // Only a read is copied, for its second try.
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        if !reads_only(&stmt) {
            let answer = self.pool.query_one_raw(stmt).await;
            return self.seen(answer);
        }
        self.twice(|| self.pool.query_one_raw(stmt.clone())).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        if !reads_only(&stmt) {
            let answer = self.pool.query_all_raw(stmt).await;
            return self.seen(answer);
        }
        self.twice(|| self.pool.query_all_raw(stmt.clone())).await
    }

    fn support_returning(&self) -> bool {
        self.pool.support_returning()
    }
}

/// `BEGIN` on a dead connection ran nothing: it is tried once more (not `transaction`, whose
/// callback sea-orm runs itself: the service uses `begin`).
#[async_trait::async_trait]
impl TransactionTrait for Db {
    type Transaction = DatabaseTransaction;

    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        self.twice(|| self.pool.begin()).await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.twice(|| self.pool.begin_with_config(isolation_level, access_mode))
            .await
    }

    async fn begin_with_options(
        &self,
        options: TransactionOptions,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.twice(|| self.pool.begin_with_options(options)).await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            )
                -> std::pin::Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.pool.transaction(callback).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(
                &'c DatabaseTransaction,
            )
                -> std::pin::Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        self.pool
            .transaction_with_config(callback, isolation_level, access_mode)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_reads_run_twice() {
        let statement = |sql: &str| Statement::from_string(DbBackend::Postgres, sql.to_owned());
        assert!(reads_only(&statement(
            "SELECT \"policy\".\"id\" FROM \"policy\" WHERE \"id\" = $1"
        )));
        assert!(reads_only(&statement("  select 1")));
        assert!(!reads_only(&statement(
            "select id from service_case for update"
        )));
        assert!(!reads_only(&statement(
            "SELECT \"id\" FROM \"service_case\" WHERE \"id\" = $1 FOR UPDATE"
        )));
        assert!(!reads_only(&statement(
            "INSERT INTO \"policy\" (\"id\") VALUES ($1) RETURNING \"id\""
        )));
        assert!(!reads_only(&statement(
            "UPDATE \"policy\" SET \"status\" = $1 RETURNING \"id\""
        )));
    }

    #[test]
    fn a_dead_connection_is_not_a_pool_that_cannot_connect() {
        let io = || {
            RuntimeErr::SqlxError(Arc::new(sea_orm::sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "reset",
            ))))
        };
        assert!(dead_connection(&DbErr::Query(io())));
        assert!(dead_connection(&DbErr::Exec(io())));
        assert!(!dead_connection(&DbErr::ConnectionAcquire(
            sea_orm::ConnAcquireErr::Timeout
        )));
        assert!(!dead_connection(&DbErr::Custom("syntax".to_owned())));
    }

    #[test]
    fn checkouts_are_pinged_only_for_a_while_after_a_loss() {
        let recovery = Recovery::default();
        assert!(!recovery.recovering());
        recovery.lost();
        assert!(recovery.recovering());
        recovery.lost_at_ms.store(
            now_ms() - RECOVERY.as_millis() as u64 - 1,
            Ordering::Relaxed,
        );
        assert!(!recovery.recovering());
    }
}
