//! Issue 29 §2, records kept only as long as needed (PIPL Art. 19, 47): a medical-record file
//! or a case report whose retention period has ended (or whose owner withdrew the consent, or
//! deleted their account) is removed from storage; its row stays as the tombstone
//! (`purged_at`), and the case notes when its records went (`records_purged_at`). A weekly
//! report is removed the same way after its own, longer period. An account deleted by its
//! owner keeps its row, emptied (`deleted_at`), so the cases it made still have an applicant.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables and the column each gains.
fn columns() -> [(Alias, Alias); 5] {
    let pair = |t: &str, c: &str| (Alias::new(t), Alias::new(c));
    [
        pair("document", "purged_at"),
        pair("case_report", "purged_at"),
        pair("weekly_report", "purged_at"),
        pair("service_case", "records_purged_at"),
        pair("app_user", "deleted_at"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for (table, column) in columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(ts_null(column))
                        .to_owned(),
                )
                .await?;
        }
        // The worker's question: which ended cases still hold records.
        manager
            .create_index(
                Index::create()
                    .name("idx_service_case_records_due")
                    .table(Alias::new("service_case"))
                    .col(Alias::new("records_purged_at"))
                    .col(Alias::new("closed_at"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_service_case_records_due")
                    .table(Alias::new("service_case"))
                    .to_owned(),
            )
            .await?;
        for (table, column) in columns() {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
