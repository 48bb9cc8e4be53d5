//! Separate consents (PIPL Art. 29: medical records are sensitive personal information): which
//! version of which consent text a user accepted, when, and when they withdrew it. Rows are
//! never deleted: the history is the evidence.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use UserConsent as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(id(C::Id))
                    .col(big(C::UserId))
                    .col(text(C::Purpose, 32))
                    .col(text(C::Version, 32))
                    .col(ts(C::AcceptedAt))
                    .col(ts_null(C::WithdrawnAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_user_consent_user",
                C::Table,
                &[C::UserId, C::Purpose],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UserConsent::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum UserConsent {
    Table,
    Id,
    UserId,
    Purpose,
    Version,
    AcceptedAt,
    WithdrawnAt,
}
