//! Offers (issue 27 §2): the specialist proposes 1–3 options of one kind (experts, hospitals,
//! institutions abroad, appointment times) and the insured chooses one or declines. One row per
//! offer, its options as JSON; the case says until when an offer waits for the insured. And the
//! insured's side (§3): a change the insured asks for, and a notice that they will be late; an
//! alternate hospital the application names where the plan asks for one (seed 004 四(三)).

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CaseOffer as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(id(O::Id))
                    .col(ColumnDef::new(O::PublicId).uuid().not_null().unique_key())
                    .col(big(O::CaseId))
                    .col(text(O::Kind, 16))
                    // JSON: [{title, details, at}], one to three.
                    .col(ColumnDef::new(O::Options).text().not_null())
                    .col(text_null(O::Note, 200))
                    .col(text(O::State, 16))
                    .col(ColumnDef::new(O::Chosen).integer().null())
                    .col(flag(O::DeclineEnds))
                    .col(big(O::MadeBy))
                    .col(ts(O::MadeAt))
                    .col(ts(O::ExpiresAt))
                    .col(ts_null(O::AnsweredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_case_offer_case", O::Table, &[O::CaseId]))
            .await?;
        // One column per statement: SQLite alters one column at a time.
        for column in [
            ts_null(ServiceCase::OfferOpenUntil),
            ts_null(ServiceCase::ChangeRequestedAt),
            text_null(ServiceCase::ChangeRequestKind, 16),
            text_null(ServiceCase::ChangeRequestNote, 200),
            ts_null(ServiceCase::LateNoticeAt),
            text_null(ServiceCase::AlternateHospitalId, 16),
            ts_null(ServiceCase::LastOfferAt),
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
            ServiceCase::OfferOpenUntil,
            ServiceCase::ChangeRequestedAt,
            ServiceCase::ChangeRequestKind,
            ServiceCase::ChangeRequestNote,
            ServiceCase::LateNoticeAt,
            ServiceCase::AlternateHospitalId,
            ServiceCase::LastOfferAt,
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
            .drop_table(Table::drop().table(CaseOffer::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseOffer {
    Table,
    Id,
    PublicId,
    CaseId,
    Kind,
    Options,
    Note,
    State,
    Chosen,
    DeclineEnds,
    MadeBy,
    MadeAt,
    ExpiresAt,
    AnsweredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    OfferOpenUntil,
    ChangeRequestedAt,
    ChangeRequestKind,
    ChangeRequestNote,
    LateNoticeAt,
    AlternateHospitalId,
    LastOfferAt,
}
