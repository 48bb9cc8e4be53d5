//! The append-only timeline of a case: every transition with its actor, reason code and note.

use sea_orm_migration::prelude::*;

use crate::cols::*;
use crate::m20261121_000010_create_service_case::ServiceCase;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CaseEvent as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(id(E::Id))
                    .col(big(E::CaseId))
                    .col(text_null(E::FromStatus, 24))
                    .col(text(E::ToStatus, 24))
                    .col(text(E::Action, 32))
                    .col(text(E::ActorKind, 16))
                    .col(big_null(E::ActorId))
                    .col(text_null(E::ReasonCode, 48))
                    .col(long_text_null(E::Note))
                    .col(ts(E::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_case_event_case")
                            .from(E::Table, E::CaseId)
                            .to(ServiceCase::Table, ServiceCase::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_case_event_case", E::Table, &[E::CaseId, E::Id]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CaseEvent::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseEvent {
    Table,
    Id,
    CaseId,
    FromStatus,
    ToStatus,
    Action,
    ActorKind,
    ActorId,
    ReasonCode,
    Note,
    At,
}
