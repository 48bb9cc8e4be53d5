//! Who on the staff read which sensitive record, when, from where. Append-only: rows are never
//! updated or deleted by the application.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AuditLog as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(id(A::Id))
                    .col(big(A::StaffId))
                    .col(text(A::Action, 32))
                    .col(text(A::SubjectKind, 32))
                    .col(text(A::SubjectId, 64))
                    .col(big_null(A::CaseId))
                    .col(text_null(A::Ip, 64))
                    .col(ts(A::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_audit_log_staff", A::Table, &[A::StaffId, A::At]))
            .await?;
        manager
            .create_index(index("ix_audit_log_case", A::Table, &[A::CaseId]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    StaffId,
    Action,
    SubjectKind,
    SubjectId,
    CaseId,
    Ip,
    At,
}
