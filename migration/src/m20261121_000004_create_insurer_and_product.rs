//! Insurers and their products. A product row carries its plan document (the validated TOML of
//! `products/`, as JSON) so reports and audits can see the rules a case ran under.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Insurer::Table)
                    .col(
                        ColumnDef::new(Insurer::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Insurer::Code)
                            .string_len(40)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Insurer::Name).string_len(200).not_null())
                    .col(
                        ColumnDef::new(Insurer::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Insurer::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Product::Table)
                    .col(
                        ColumnDef::new(Product::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Product::Code)
                            .string_len(40)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Product::InsurerId).big_integer().not_null())
                    .col(ColumnDef::new(Product::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Product::Provider).string_len(200).not_null())
                    .col(ColumnDef::new(Product::Hotline).string_len(40).not_null())
                    .col(ColumnDef::new(Product::Seed).string_len(100).not_null())
                    .col(ColumnDef::new(Product::Plan).json().not_null())
                    .col(
                        ColumnDef::new(Product::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Product::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_product_insurer")
                            .from(Product::Table, Product::InsurerId)
                            .to(Insurer::Table, Insurer::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Product::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Insurer::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Insurer {
    Table,
    Id,
    Code,
    Name,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Product {
    Table,
    Id,
    Code,
    InsurerId,
    Name,
    Provider,
    Hotline,
    Seed,
    Plan,
    CreatedAt,
    UpdatedAt,
}
