//! Issue 28 §1, every case can be found: the console finds cases by the insured's name, in full
//! or as the queue masks it (`张**`: a `LIKE '张__'` prefix match). On PostgreSQL the index uses
//! `text_pattern_ops`, so a prefix `LIKE` can use it whatever the database's collation; SQLite
//! takes a plain one (it serves the search by a full name; a masked one scans the policies,
//! which the embedded profile's size allows).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "ix_policy_insured_name";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE INDEX {INDEX} ON policy (insured_name text_pattern_ops)"
                ))
                .await?;
            }
            _ => {
                manager
                    .create_index(
                        Index::create()
                            .name(INDEX)
                            .table(Policy::Table)
                            .col(Policy::InsuredName)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Policy::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Policy {
    Table,
    InsuredName,
}
