//! Contact both ways (issue 27): the phone the insured can be reached on for this case (sealed,
//! bound to the case; its masked form for every view), and the specialist's name and work phone
//! the insured sees once their case is taken.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        let case_columns = [
            ColumnDef::new(ServiceCase::ContactPhoneEnc)
                .binary()
                .null()
                .to_owned(),
            ColumnDef::new(ServiceCase::ContactPhoneCountry)
                .string_len(3)
                .null()
                .to_owned(),
            ColumnDef::new(ServiceCase::ContactPhoneMasked)
                .string_len(20)
                .null()
                .to_owned(),
        ];
        for mut column in case_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(ServiceCase::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let staff_columns = [
            ColumnDef::new(Staff::DisplayName)
                .string_len(32)
                .null()
                .to_owned(),
            ColumnDef::new(Staff::WorkPhone)
                .string_len(32)
                .null()
                .to_owned(),
        ];
        for mut column in staff_columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Staff::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ServiceCase::ContactPhoneEnc,
            ServiceCase::ContactPhoneCountry,
            ServiceCase::ContactPhoneMasked,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ServiceCase::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [Staff::DisplayName, Staff::WorkPhone] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Staff::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    ContactPhoneEnc,
    ContactPhoneCountry,
    ContactPhoneMasked,
}

#[derive(DeriveIden, Clone, Copy)]
enum Staff {
    Table,
    DisplayName,
    WorkPhone,
}
