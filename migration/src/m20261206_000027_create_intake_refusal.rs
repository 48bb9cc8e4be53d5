//! Issue 31 §2: every application refused at intake is registered (seed 001 流程 「服务终止 ·
//! 登记备案」) without personal data — the insurer, the product, the service, the reason and
//! when — and counted per service and reason in the insurer's weekly report.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use IntakeRefusal as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(id(R::Id))
                    .col(big(R::InsurerId))
                    .col(big(R::ProductId))
                    .col(text(R::ServiceId, 64))
                    .col(text(R::Reason, 32))
                    .col(ts(R::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_intake_refusal_insurer_at",
                R::Table,
                &[R::InsurerId, R::At],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IntakeRefusal::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum IntakeRefusal {
    Table,
    Id,
    InsurerId,
    ProductId,
    ServiceId,
    Reason,
    At,
}
