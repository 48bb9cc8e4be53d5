//! Console accounts of medical service specialists, supervisors, insurer viewers and admins:
//! argon2id password hashes (PHC strings), a role and an optional insurer scope.

use sea_orm_migration::prelude::*;

use crate::cols::*;
use crate::m20261121_000004_create_insurer_and_product::Insurer;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Staff::Table)
                    .col(id(Staff::Id))
                    .col(
                        ColumnDef::new(Staff::PublicId)
                            .uuid()
                            .not_null()
                            .unique_key(),
                    )
                    .col(text(Staff::Login, 64).unique_key().to_owned())
                    .col(text(Staff::PasswordHash, 255))
                    .col(text(Staff::Role, 24))
                    .col(big_null(Staff::InsurerId))
                    .col(flag(Staff::Active))
                    .col(ts(Staff::CreatedAt))
                    .col(ts(Staff::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_insurer")
                            .from(Staff::Table, Staff::InsurerId)
                            .to(Insurer::Table, Insurer::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Staff::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Staff {
    Table,
    Id,
    PublicId,
    Login,
    PasswordHash,
    Role,
    InsurerId,
    Active,
    CreatedAt,
    UpdatedAt,
}
