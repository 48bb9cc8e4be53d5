//! The user's phone number, from the phone button: sealed with AES-256-GCM, found through an
//! HMAC blind index. SQLite takes one column per ALTER TABLE, so each is its own statement.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(AppUser::PhoneEnc).binary().null().to_owned(),
            ColumnDef::new(AppUser::PhoneHash)
                .string_len(64)
                .null()
                .to_owned(),
            ColumnDef::new(AppUser::PhoneCountryCode)
                .string_len(8)
                .null()
                .to_owned(),
            ColumnDef::new(AppUser::PhoneBoundAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AppUser::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_app_user_phone_hash")
                    .table(AppUser::Table)
                    .col(AppUser::PhoneHash)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_app_user_phone_hash")
                    .table(AppUser::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            AppUser::PhoneBoundAt,
            AppUser::PhoneCountryCode,
            AppUser::PhoneHash,
            AppUser::PhoneEnc,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(AppUser::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AppUser {
    Table,
    PhoneEnc,
    PhoneHash,
    PhoneCountryCode,
    PhoneBoundAt,
}
