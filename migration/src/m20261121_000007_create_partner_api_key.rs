//! Per-insurer API keys for the partner policy feed: only a SHA-256 of each key is stored.

use sea_orm_migration::prelude::*;

use crate::m20261121_000004_create_insurer_and_product::Insurer;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PartnerApiKey::Table)
                    .col(
                        ColumnDef::new(PartnerApiKey::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PartnerApiKey::InsurerId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PartnerApiKey::Prefix)
                            .string_len(16)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(PartnerApiKey::KeyHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(PartnerApiKey::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PartnerApiKey::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_partner_api_key_insurer")
                            .from(PartnerApiKey::Table, PartnerApiKey::InsurerId)
                            .to(Insurer::Table, Insurer::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PartnerApiKey::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PartnerApiKey {
    Table,
    Id,
    InsurerId,
    Prefix,
    KeyHash,
    CreatedAt,
    RevokedAt,
}
