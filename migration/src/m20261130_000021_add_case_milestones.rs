//! Dates a specialist records on a case whose promise runs from them (seed 001's overseas
//! treatment: the hospital's acceptance and the medical visa; issue 13, item 5).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [ServiceCase::HospitalAcceptedOn, ServiceCase::VisaGrantedOn] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ServiceCase::Table)
                        .add_column(ColumnDef::new(column).date().null().to_owned())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [ServiceCase::HospitalAcceptedOn, ServiceCase::VisaGrantedOn] {
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
    HospitalAcceptedOn,
    VisaGrantedOn,
}
