//! Uses of limited services: one row per use, in a numbered slot of its (policy, quota key,
//! period). A unique index over the *active* slots makes "at most N uses" hold under any
//! concurrency on PostgreSQL and SQLite alike, without a global lock: a second writer of the same
//! slot fails on the index. Released uses leave the index, so the slot can be taken again.

use sea_orm_migration::prelude::*;

use crate::m20261121_000005_create_policy::Policy;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(QuotaUse::Table)
                    .col(
                        ColumnDef::new(QuotaUse::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(QuotaUse::PolicyId).big_integer().not_null())
                    .col(ColumnDef::new(QuotaUse::QuotaKey).string_len(64).not_null())
                    .col(ColumnDef::new(QuotaUse::PeriodStart).date().not_null())
                    .col(ColumnDef::new(QuotaUse::Slot).integer().not_null())
                    .col(
                        ColumnDef::new(QuotaUse::ServiceId)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(QuotaUse::CaseId).big_integer().null())
                    .col(ColumnDef::new(QuotaUse::State).string_len(16).not_null())
                    .col(
                        ColumnDef::new(QuotaUse::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(QuotaUse::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_quota_use_policy")
                            .from(QuotaUse::Table, QuotaUse::PolicyId)
                            .to(Policy::Table, Policy::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Partial unique index: the same SQL on both databases.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_quota_use_active_slot ON quota_use \
                 (policy_id, quota_key, period_start, slot) WHERE state <> 'released'",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_quota_use_policy")
                    .table(QuotaUse::Table)
                    .col(QuotaUse::PolicyId)
                    .col(QuotaUse::QuotaKey)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QuotaUse::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum QuotaUse {
    Table,
    Id,
    PolicyId,
    QuotaKey,
    PeriodStart,
    Slot,
    ServiceId,
    CaseId,
    State,
    CreatedAt,
    UpdatedAt,
}
