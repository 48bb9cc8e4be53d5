//! Which mini-program users may use which policy: the insured themself, or a relative who
//! redeemed the insured's one-time invitation (for services whose plan allows relatives).

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
                    .table(PolicyBinding::Table)
                    .col(
                        ColumnDef::new(PolicyBinding::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PolicyBinding::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PolicyBinding::PolicyId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PolicyBinding::Relation)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PolicyBinding::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_policy_binding_user")
                            .from(PolicyBinding::Table, PolicyBinding::UserId)
                            .to(AppUser::Table, AppUser::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_policy_binding_policy")
                            .from(PolicyBinding::Table, PolicyBinding::PolicyId)
                            .to(Policy::Table, Policy::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_policy_binding_user_policy")
                    .table(PolicyBinding::Table)
                    .col(PolicyBinding::UserId)
                    .col(PolicyBinding::PolicyId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RelativeInvitation::Table)
                    .col(
                        ColumnDef::new(RelativeInvitation::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RelativeInvitation::PolicyId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RelativeInvitation::IssuedBy)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RelativeInvitation::CodeHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(RelativeInvitation::Relationship)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RelativeInvitation::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RelativeInvitation::RedeemedBy)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RelativeInvitation::RedeemedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(RelativeInvitation::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_relative_invitation_policy")
                            .from(RelativeInvitation::Table, RelativeInvitation::PolicyId)
                            .to(Policy::Table, Policy::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RelativeInvitation::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PolicyBinding::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PolicyBinding {
    Table,
    Id,
    UserId,
    PolicyId,
    Relation,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RelativeInvitation {
    Table,
    Id,
    PolicyId,
    IssuedBy,
    CodeHash,
    Relationship,
    ExpiresAt,
    RedeemedBy,
    RedeemedAt,
    CreatedAt,
}
