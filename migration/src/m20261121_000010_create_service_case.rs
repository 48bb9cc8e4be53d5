//! Service cases: one use of one service of a policy's plan, its facts, its promises (SLA,
//! first contact, start decision), its appointment, and a version for optimistic locking.

use sea_orm_migration::prelude::*;

use crate::cols::*;
use crate::m20261121_000004_create_insurer_and_product::{Insurer, Product};
use crate::m20261121_000005_create_policy::Policy;
use crate::m20261121_000009_create_staff::Staff;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ServiceCase as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(id(C::Id))
                    .col(ColumnDef::new(C::PublicId).uuid().not_null().unique_key())
                    .col(big(C::PolicyId))
                    .col(big(C::UserId))
                    .col(big(C::ProductId))
                    .col(big(C::InsurerId))
                    .col(text(C::ServiceId, 64))
                    .col(text_null(C::QuotaKey, 64))
                    .col(text(C::Status, 24))
                    .col(text_null(C::DiagnosisState, 16))
                    .col(text_null(C::IllnessId, 16))
                    .col(text_null(C::CityCode, 16))
                    .col(text_null(C::HospitalId, 16))
                    .col(text_null(C::DepartmentId, 48))
                    .col(text_null(C::ExpertName, 64))
                    .col(date_null(C::WantedDate))
                    .col(flag(C::HasAdmissionSlip))
                    .col(date_null(C::AdmissionSlipDate))
                    .col(flag(C::OutpatientFirst))
                    .col(long_text_null(C::Description))
                    .col(ts_null(C::AppliedAt))
                    .col(ts_null(C::AcceptedAt))
                    .col(ts_null(C::ApprovedAt))
                    .col(ts_null(C::MaterialsCompleteAt))
                    .col(ts_null(C::FirstContactDueAt))
                    .col(ts_null(C::FirstContactedAt))
                    .col(ts_null(C::StartDecisionDueAt))
                    .col(ts_null(C::SlaDueAt))
                    .col(flag(C::SlaProvisional))
                    .col(ts_null(C::DraftExpiresAt))
                    .col(big_null(C::AssigneeId))
                    .col(long_text_null(C::AwaitedMaterials))
                    .col(long_text_null(C::AwaitedMessage))
                    .col(ts_null(C::AppointmentAt))
                    .col(text_null(C::AppointmentHospital, 128))
                    .col(text_null(C::AppointmentDepartment, 64))
                    .col(text_null(C::AppointmentExpertTitle, 64))
                    .col(text_null(C::MeetingPoint, 256))
                    .col(text_null(C::EscortContact, 64))
                    .col(text_null(C::OutcomeCode, 48))
                    .col(ColumnDef::new(C::Counted).boolean().null())
                    .col(ts_null(C::ClosedAt))
                    .col(int(C::Version))
                    .col(ts(C::CreatedAt))
                    .col(ts(C::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_service_case_policy")
                            .from(C::Table, C::PolicyId)
                            .to(Policy::Table, Policy::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_service_case_product")
                            .from(C::Table, C::ProductId)
                            .to(Product::Table, Product::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_service_case_insurer")
                            .from(C::Table, C::InsurerId)
                            .to(Insurer::Table, Insurer::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_service_case_assignee")
                            .from(C::Table, C::AssigneeId)
                            .to(Staff::Table, Staff::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ix_service_case_user", &[C::UserId, C::CreatedAt][..]),
            ("ix_service_case_queue", &[C::Status, C::SlaDueAt][..]),
            ("ix_service_case_insurer", &[C::InsurerId, C::Status][..]),
            ("ix_service_case_draft", &[C::Status, C::DraftExpiresAt][..]),
            ("ix_service_case_policy", &[C::PolicyId][..]),
        ] {
            manager.create_index(index(name, C::Table, columns)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ServiceCase::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum ServiceCase {
    Table,
    Id,
    PublicId,
    PolicyId,
    UserId,
    ProductId,
    InsurerId,
    ServiceId,
    QuotaKey,
    Status,
    DiagnosisState,
    IllnessId,
    CityCode,
    HospitalId,
    DepartmentId,
    ExpertName,
    WantedDate,
    HasAdmissionSlip,
    AdmissionSlipDate,
    OutpatientFirst,
    Description,
    AppliedAt,
    AcceptedAt,
    ApprovedAt,
    MaterialsCompleteAt,
    FirstContactDueAt,
    FirstContactedAt,
    StartDecisionDueAt,
    SlaDueAt,
    SlaProvisional,
    DraftExpiresAt,
    AssigneeId,
    AwaitedMaterials,
    AwaitedMessage,
    AppointmentAt,
    AppointmentHospital,
    AppointmentDepartment,
    AppointmentExpertTitle,
    MeetingPoint,
    EscortContact,
    OutcomeCode,
    Counted,
    ClosedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}
