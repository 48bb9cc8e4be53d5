//! Issue 31 §4, the stay: which hospital and department issued the admission slip (seed 003 二,
//! seed 004 住院及手术 「安排住院单所在的医院科室」; seed 002 (二)2.5(4) refuses a slip from
//! another), and the surgery date agreed with the doctor (seed 004 住院及手术), moved when the
//! hospital moves it (不可抗力导致手术时间变更) without costing a use.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [
            text_null(ServiceCase::SlipHospitalId, 16),
            text_null(ServiceCase::SlipDepartmentId, 48),
            date_null(ServiceCase::SurgeryOn),
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ServiceCase::SlipHospitalId,
            ServiceCase::SlipDepartmentId,
            ServiceCase::SurgeryOn,
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
    SlipHospitalId,
    SlipDepartmentId,
    SurgeryOn,
}
