//! Issue 31 §1, medical records that are not photos (seed 001 海外第二诊疗意见 4–5
//! 「影像检查指定格式文件」): a document is a photo, a PDF or a DICOM file (`file_kind`), with
//! what its parser read of it (`facts`, JSON, never a personal DICOM tag); a PDF or DICOM file
//! has no thumbnail (an empty key). A case counts its PDF and DICOM files apart from its photos
//! (`record_file_count`): an imaging study is hundreds of files.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [
            text(Document::FileKind, 8).default("photo").to_owned(),
            long_text_null(Document::Facts),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Document::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .add_column(int(ServiceCase::RecordFileCount).default(0).to_owned())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Document::FileKind, Document::Facts] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Document::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .drop_column(ServiceCase::RecordFileCount)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Document {
    Table,
    FileKind,
    Facts,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    RecordFileCount,
}
