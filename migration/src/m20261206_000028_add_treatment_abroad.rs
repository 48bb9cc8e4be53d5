//! Issue 31 §2, treatment abroad to the return (seed 001 海外就医综合服务): the hospital abroad
//! chosen with the insured (country and hospital), the departure, the local escort hours used of
//! those included, the return; and what kind each written file of a case is — the service
//! report, or the bill delivered to the insurer with it (「医疗服务情况报告和账单交付甲方」).

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [
            text_null(ServiceCase::AbroadCountry, 8),
            text_null(ServiceCase::AbroadHospital, 128),
            date_null(ServiceCase::DepartedOn),
            ColumnDef::new(ServiceCase::EscortHoursUsed)
                .integer()
                .null()
                .to_owned(),
            date_null(ServiceCase::ReturnedOn),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ServiceCase::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(CaseReport::Table)
                    .add_column(
                        ColumnDef::new(CaseReport::Kind)
                            .string_len(16)
                            .not_null()
                            .default("report")
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CaseReport::Table)
                    .drop_column(CaseReport::Kind)
                    .to_owned(),
            )
            .await?;
        for column in [
            ServiceCase::AbroadCountry,
            ServiceCase::AbroadHospital,
            ServiceCase::DepartedOn,
            ServiceCase::EscortHoursUsed,
            ServiceCase::ReturnedOn,
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
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    AbroadCountry,
    AbroadHospital,
    DepartedOn,
    EscortHoursUsed,
    ReturnedOn,
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseReport {
    Table,
    Kind,
}
