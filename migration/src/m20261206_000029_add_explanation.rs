//! Issue 31 §2, plan 5's international second opinion: its explanation by a health-management
//! expert (seed 004 二(二) 「好人生健康管理专家将为被服务人进行意见书的解读」), arranged at a time
//! and then given; the case completes once it is.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [
            ts_null(ServiceCase::ExplanationAt),
            ts_null(ServiceCase::ExplainedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ServiceCase::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [ServiceCase::ExplanationAt, ServiceCase::ExplainedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ServiceCase::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    ExplanationAt,
    ExplainedAt,
}
