//! Issue 31 §3, documents by courier (seed 004 陪诊 「报告及医保卡等通过快递寄送」; seed 002
//! (一)2.9(4) 「医保卡、身份证、就医资料原件等通过快递或邮寄等方式…寄送至医疗服务专员处」): the
//! insured asks for documents to be sent back (an address, sealed at rest, bound to the case)
//! or how to send originals; the specialist records the carrier and waybill, or the directions.

use sea_orm_migration::prelude::*;

use crate::cols::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CaseCourier as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(id(C::Id))
                    .col(ColumnDef::new(C::PublicId).uuid().not_null().unique_key())
                    .col(big(C::CaseId))
                    .col(text(C::Purpose, 16))
                    .col(ColumnDef::new(C::AddressEnc).binary().null())
                    .col(text_null(C::AddressMasked, 160))
                    .col(text_null(C::Note, 200))
                    .col(ts(C::RequestedAt))
                    .col(text_null(C::Carrier, 32))
                    .col(text_null(C::Waybill, 32))
                    .col(text_null(C::Instructions, 500))
                    .col(ts_null(C::AnsweredAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("ix_case_courier_case", C::Table, &[C::CaseId]))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .add_column(ts_null(ServiceCase::LastCourierAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceCase::Table)
                    .drop_column(ServiceCase::LastCourierAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(CaseCourier::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseCourier {
    Table,
    Id,
    PublicId,
    CaseId,
    Purpose,
    AddressEnc,
    AddressMasked,
    Note,
    RequestedAt,
    Carrier,
    Waybill,
    Instructions,
    AnsweredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCase {
    Table,
    LastCourierAt,
}
