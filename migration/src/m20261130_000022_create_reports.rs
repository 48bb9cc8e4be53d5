//! Reports (issue 15): a case's written report (a second opinion, the service report of treatment
//! abroad) as a PDF in private object storage, and the weekly service-progress reports made for
//! each insurer.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CaseReport as R;
        use WeeklyReport as W;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(id(R::Id))
                    .col(ColumnDef::new(R::PublicId).uuid().not_null().unique_key())
                    .col(big(R::CaseId))
                    .col(text(R::StorageKey, 256))
                    .col(text(R::FileName, 128))
                    .col(big(R::SizeBytes))
                    .col(text(R::Sha256, 64))
                    .col(big(R::UploadedBy))
                    .col(ts(R::UploadedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_case_report_case", R::Table, &[R::CaseId]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .col(id(W::Id))
                    .col(ColumnDef::new(W::PublicId).uuid().not_null().unique_key())
                    .col(big(W::InsurerId))
                    // ISO week, `2026-W48`.
                    .col(text(W::Week, 8))
                    .col(text(W::Format, 4))
                    .col(text(W::StorageKey, 256))
                    .col(big(W::SizeBytes))
                    .col(int(W::CaseCount))
                    .col(ts(W::GeneratedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_weekly_report_insurer_week_format",
                    W::Table,
                    &[W::InsurerId, W::Week, W::Format],
                )
                .unique()
                .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WeeklyReport::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CaseReport::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseReport {
    Table,
    Id,
    PublicId,
    CaseId,
    StorageKey,
    FileName,
    SizeBytes,
    Sha256,
    UploadedBy,
    UploadedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WeeklyReport {
    Table,
    Id,
    PublicId,
    InsurerId,
    Week,
    Format,
    StorageKey,
    SizeBytes,
    CaseCount,
    GeneratedAt,
}
