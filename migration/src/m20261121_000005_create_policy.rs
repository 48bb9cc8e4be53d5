//! Policies: the resident ID number and the phone sealed (AES-256-GCM) with HMAC blind indexes
//! for lookup; the name normalised. One row per policy number, upserted by imports and partners.

use sea_orm_migration::prelude::*;

use crate::m20261121_000004_create_insurer_and_product::Product;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Policy::Table)
                    .col(
                        ColumnDef::new(Policy::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Policy::PublicId)
                            .uuid()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Policy::PolicyNo)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Policy::ProductId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Policy::InsuredName)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Policy::IdType).string_len(20).not_null())
                    .col(ColumnDef::new(Policy::IdNumberEnc).binary().not_null())
                    .col(
                        ColumnDef::new(Policy::IdNumberHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Policy::IdNumberMasked)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Policy::PhoneEnc).binary().null())
                    .col(ColumnDef::new(Policy::PhoneHash).string_len(64).null())
                    .col(ColumnDef::new(Policy::EffectiveDate).date().not_null())
                    .col(ColumnDef::new(Policy::ExpiryDate).date().null())
                    .col(ColumnDef::new(Policy::CoolingOffEnd).date().null())
                    .col(ColumnDef::new(Policy::Status).string_len(20).not_null())
                    .col(ColumnDef::new(Policy::SumInsuredOk).boolean().not_null())
                    .col(ColumnDef::new(Policy::Source).string_len(20).not_null())
                    .col(
                        ColumnDef::new(Policy::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Policy::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_policy_product")
                            .from(Policy::Table, Policy::ProductId)
                            .to(Product::Table, Product::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_policy_id_number_hash")
                    .table(Policy::Table)
                    .col(Policy::IdNumberHash)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Policy::Table).to_owned())
            .await
    }
}

// `PolicyNo` is the column's name: the lint's rename would change the schema.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden)]
pub enum Policy {
    Table,
    Id,
    PublicId,
    PolicyNo,
    ProductId,
    InsuredName,
    IdType,
    IdNumberEnc,
    IdNumberHash,
    IdNumberMasked,
    PhoneEnc,
    PhoneHash,
    EffectiveDate,
    ExpiryDate,
    CoolingOffEnd,
    Status,
    SumInsuredOk,
    Source,
    CreatedAt,
    UpdatedAt,
}
