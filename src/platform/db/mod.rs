//! The database: what the rest of the service names of it (the connection, its error, the
//! write transaction); the ORM itself is spoken only in `store`.

mod store;

pub use store::{
    Db, DbErr, MigrationState, connect, connection_lost, migrate_down, migrate_up,
    migration_status, write_transaction,
};
