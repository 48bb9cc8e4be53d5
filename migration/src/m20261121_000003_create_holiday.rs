//! The State Council calendar: one row per listed date (a day off, or a make-up workday), and one
//! row per published year, so an unpublished year is known to be unknown.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HolidayYear::Table)
                    .col(
                        ColumnDef::new(HolidayYear::Year)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(HolidayYear::Source).text().not_null())
                    .col(ColumnDef::new(HolidayYear::DayCount).integer().not_null())
                    .col(
                        ColumnDef::new(HolidayYear::ImportedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Holiday::Table)
                    .col(
                        ColumnDef::new(Holiday::Date)
                            .date()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Holiday::IsOffDay).boolean().not_null())
                    .col(ColumnDef::new(Holiday::Name).string_len(32).not_null())
                    .col(ColumnDef::new(Holiday::Year).integer().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Holiday::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(HolidayYear::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum HolidayYear {
    Table,
    Year,
    Source,
    DayCount,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Holiday {
    Table,
    Date,
    IsOffDay,
    Name,
    Year,
}
