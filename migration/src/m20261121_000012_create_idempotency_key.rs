//! Idempotency keys: a retried request with the same key and body gets the first answer; the
//! row is written in the transaction of the work it guards, so both commit or neither does.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IdempotencyKey as K;
        manager
            .create_table(
                Table::create()
                    .table(K::Table)
                    .col(id(K::Id))
                    .col(text(K::Owner, 64))
                    .col(text(K::Key, 128))
                    .col(text(K::RequestHash, 64))
                    .col(ColumnDef::new(K::ResponseStatus).integer().null())
                    .col(long_text_null(K::ResponseBody))
                    .col(ts(K::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("ux_idempotency_key", K::Table, &[K::Owner, K::Key])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_idempotency_key_created",
                K::Table,
                &[K::CreatedAt],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKey::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum IdempotencyKey {
    Table,
    Id,
    Owner,
    Key,
    RequestHash,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
}
