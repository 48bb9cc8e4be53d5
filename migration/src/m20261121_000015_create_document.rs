//! Medical-record photos: one row per document of a case, pointing at its object and its
//! thumbnail in the object store (generated keys, never the user's file name). A document is
//! soft-deleted (`deleted_at`) so the history of what was reviewed stays. The same bytes are held
//! once per case (a partial unique index over the live rows). `service_case.document_count`
//! counts the live documents: one conditional UPDATE keeps "at most N per case" under any
//! concurrency on both databases.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Document as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(id(D::Id))
                    .col(ColumnDef::new(D::PublicId).uuid().not_null().unique_key())
                    .col(big(D::CaseId))
                    .col(big(D::UserId))
                    .col(text(D::Category, 32))
                    .col(text(D::StorageKey, 200))
                    .col(text(D::ThumbnailKey, 200))
                    .col(text(D::MediaType, 32))
                    .col(text(D::SourceType, 32))
                    .col(big(D::Bytes))
                    .col(big(D::OriginalBytes))
                    .col(text(D::Sha256, 64))
                    .col(int(D::Width))
                    .col(int(D::Height))
                    .col(text(D::ReviewState, 16))
                    .col(text_null(D::ReviewReason, 32))
                    .col(long_text_null(D::ReviewNote))
                    .col(big_null(D::ReviewerId))
                    .col(ts_null(D::ReviewedAt))
                    .col(ts(D::UploadedAt))
                    .col(ts_null(D::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_case")
                            .from(D::Table, D::CaseId)
                            .to(ServiceCase::Table, ServiceCase::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_document_case", D::Table, &[D::CaseId]))
            .await?;
        // Partial unique index: the same SQL on both databases.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_document_case_sha256 ON document (case_id, sha256) \
                 WHERE deleted_at IS NULL",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .add_column(
                        ColumnDef::new(ServiceCase::DocumentCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .drop_column(ServiceCase::DocumentCount)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Document::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Document {
    Table,
    Id,
    PublicId,
    CaseId,
    UserId,
    Category,
    StorageKey,
    ThumbnailKey,
    MediaType,
    SourceType,
    Bytes,
    OriginalBytes,
    Sha256,
    Width,
    Height,
    ReviewState,
    ReviewReason,
    ReviewNote,
    ReviewerId,
    ReviewedAt,
    UploadedAt,
    DeletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    Id,
    DocumentCount,
}
