//! Issue 31 §5 and §3: objections to a review's result and complaints about the service
//! (seed 002 (一)2.6, (二)2.6), one row each with the supervisor's answer; the case keeps when
//! the last one was raised (its page reads them only then; the insurer's week counts them). And
//! the day of the visit: where an escort or guide meets the insured at a time of its own (seed
//! 003 一4 「确认导医服务的等候地点、时间」), and who the escort is, by name and phone (seed 001
//! 陪诊 「为被保人预约就医陪同人员」), instead of one free text.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CaseObjection as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(id(O::Id))
                    .col(ColumnDef::new(O::PublicId).uuid().not_null().unique_key())
                    .col(big(O::CaseId))
                    .col(text(O::Kind, 16))
                    .col(text(O::Body, 500))
                    .col(big(O::RaisedBy))
                    .col(ts(O::RaisedAt))
                    .col(text_null(O::Answer, 500))
                    .col(big_null(O::AnsweredBy))
                    .col(ts_null(O::AnsweredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_case_objection_case", O::Table, &[O::CaseId]))
            .await?;
        manager
            .create_index(index(
                "ix_case_objection_open",
                O::Table,
                &[O::AnsweredAt, O::RaisedAt],
            ))
            .await?;
        // One column per statement: SQLite alters one column at a time.
        for column in [
            ts_null(ServiceCase::LastObjectionAt),
            ts_null(ServiceCase::MeetingAt),
            text_null(ServiceCase::EscortName, 64),
            text_null(ServiceCase::EscortPhone, 32),
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
        // The escort's free text becomes their name; the phone is asked for on the next booking.
        manager
            .exec_stmt(
                Query::update()
                    .table(ServiceCase::Table)
                    .value(
                        ServiceCase::EscortName,
                        Expr::col(ServiceCase::EscortContact),
                    )
                    .and_where(Expr::col(ServiceCase::EscortContact).is_not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .drop_column(ServiceCase::EscortContact)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .add_column(text_null(ServiceCase::EscortContact, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(ServiceCase::Table)
                    .value(
                        ServiceCase::EscortContact,
                        Expr::col(ServiceCase::EscortName),
                    )
                    .to_owned(),
            )
            .await?;
        for column in [
            ServiceCase::LastObjectionAt,
            ServiceCase::MeetingAt,
            ServiceCase::EscortName,
            ServiceCase::EscortPhone,
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
        manager
            .drop_table(Table::drop().table(CaseObjection::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseObjection {
    Table,
    Id,
    PublicId,
    CaseId,
    Kind,
    Body,
    RaisedBy,
    RaisedAt,
    Answer,
    AnsweredBy,
    AnsweredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    LastObjectionAt,
    MeetingAt,
    EscortName,
    EscortPhone,
    EscortContact,
}
