//! The notification outbox: a row per message the insured should receive, written in the
//! transaction of the change it reports; workers send and retry them.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Notification as N;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .col(id(N::Id))
                    .col(big(N::UserId))
                    .col(big_null(N::CaseId))
                    .col(text(N::Kind, 48))
                    .col(ColumnDef::new(N::Payload).text().not_null())
                    .col(text(N::State, 16))
                    .col(int(N::Attempts))
                    .col(ts(N::NextAttemptAt))
                    .col(long_text_null(N::LastError))
                    .col(ts(N::CreatedAt))
                    .col(ts(N::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_notification_due",
                N::Table,
                &[N::State, N::NextAttemptAt],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_notification_user",
                N::Table,
                &[N::UserId, N::CreatedAt],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Notification::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Notification {
    Table,
    Id,
    UserId,
    CaseId,
    Kind,
    Payload,
    State,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    UpdatedAt,
}
