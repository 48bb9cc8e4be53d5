//! A case number people can say on the phone (`GC2611-00042`): the month the case was created
//! (Asia/Shanghai) and its row id. Unique; never an authorisation. Existing cases are numbered
//! here; new ones in the transaction that creates them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::sea_orm::prelude::ChronoDateTimeUtc;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// China keeps one offset all year (no daylight saving): +08:00.
const SHANGHAI_OFFSET_SECS: i64 = 8 * 3600;

/// The number of the case `id` created at `created_at` (as `cases::number` writes it).
fn number(id: i64, created_at: ChronoDateTimeUtc) -> String {
    let local = created_at + chrono::TimeDelta::seconds(SHANGHAI_OFFSET_SECS);
    format!("GC{}-{id:05}", local.format("%y%m"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .add_column(
                        ColumnDef::new(ServiceCase::CaseNumber)
                            .string_len(24)
                            .null()
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let select = Query::select()
            .columns([ServiceCase::Id, ServiceCase::CreatedAt])
            .from(ServiceCase::Table)
            .to_owned();
        for row in db.query_all_raw(backend.build(&select)).await? {
            let id: i64 = row.try_get("", "id")?;
            let created_at: ChronoDateTimeUtc = row.try_get("", "created_at")?;
            let update = Query::update()
                .table(ServiceCase::Table)
                .value(ServiceCase::CaseNumber, number(id, created_at))
                .and_where(Expr::col(ServiceCase::Id).eq(id))
                .to_owned();
            db.execute_raw(backend.build(&update)).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ux_service_case_number")
                    .table(ServiceCase::Table)
                    .col(ServiceCase::CaseNumber)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_service_case_number")
                    .table(ServiceCase::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .drop_column(ServiceCase::CaseNumber)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    Id,
    CreatedAt,
    CaseNumber,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_is_shanghai_s() {
        let at = "2026-10-31T16:30:00Z"
            .parse::<ChronoDateTimeUtc>()
            .expect("instant");
        assert_eq!(number(42, at), "GC2611-00042");
        let at = "2026-10-31T15:59:59Z"
            .parse::<ChronoDateTimeUtc>()
            .expect("instant");
        assert_eq!(number(1_234_567, at), "GC2610-1234567");
    }
}
