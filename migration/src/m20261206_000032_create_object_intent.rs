//! Issue 29 §3, nothing left behind: an object is written before the row that names it (a
//! row never names a missing object), so a crash or a failed transaction in between leaves an
//! object no row names. Each such write is announced here first; the row's transaction removes
//! the announcement, and the worker removes the objects of announcements older than a grace
//! period (then the announcements).

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ObjectIntent as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(
                        ColumnDef::new(O::StorageKey)
                            .string_len(300)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ts(O::AnnouncedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_object_intent_announced",
                O::Table,
                &[O::AnnouncedAt],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ObjectIntent::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ObjectIntent {
    Table,
    StorageKey,
    AnnouncedAt,
}
