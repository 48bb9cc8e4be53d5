//! The doctor an appointment is with, where the plan lets the insured name an expert (plan 3's
//! expert outpatient): the specialist records whom they booked.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .add_column(
                        ColumnDef::new(ServiceCase::AppointmentDoctor)
                            .string_len(32)
                            .null()
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
                    .table(ServiceCase::Table)
                    .drop_column(ServiceCase::AppointmentDoctor)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    AppointmentDoctor,
}
