//! Schema migrations. Each runs on SQLite and PostgreSQL alike: written with the schema builder,
//! one change per file, named `m{YYYYMMDD_HHMMSS}_{verb}_{table}`, each with a real `down`.

pub use sea_orm_migration::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod cols;
mod m20261121_000001_create_app_user;
mod m20261121_000002_add_phone_to_app_user;
mod m20261121_000003_create_holiday;
mod m20261121_000004_create_insurer_and_product;
mod m20261121_000005_create_policy;
mod m20261121_000006_create_policy_binding;
mod m20261121_000007_create_partner_api_key;
mod m20261121_000008_create_quota_use;
mod m20261121_000009_create_staff;
mod m20261121_000010_create_service_case;
mod m20261121_000011_create_case_event;
mod m20261121_000012_create_idempotency_key;
mod m20261121_000013_create_notification;
mod m20261121_000014_create_user_consent;
mod m20261121_000015_create_document;
mod m20261121_000016_create_audit_log;
mod m20261130_000017_add_case_number;
mod m20261130_000018_add_appointment_doctor;
mod m20261130_000019_add_notification_read_at;
mod m20261130_000020_add_notification_dispatch;
mod m20261130_000021_add_case_milestones;
mod m20261130_000022_create_reports;
mod m20261206_000023_add_contact;
mod m20261206_000024_create_case_offer;
mod m20261206_000025_create_case_objection;
mod m20261206_000026_add_slip_and_surgery;
mod m20261206_000027_create_intake_refusal;
mod m20261206_000028_add_treatment_abroad;
mod m20261206_000029_add_explanation;
mod m20261206_000030_create_case_courier;
mod m20261206_000031_add_record_files;
mod m20261206_000032_create_object_intent;
mod m20261206_000033_add_retention;
mod m20261207_000034_index_insured_name;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_app_user::Migration),
            Box::new(m20261121_000002_add_phone_to_app_user::Migration),
            Box::new(m20261121_000003_create_holiday::Migration),
            Box::new(m20261121_000004_create_insurer_and_product::Migration),
            Box::new(m20261121_000005_create_policy::Migration),
            Box::new(m20261121_000006_create_policy_binding::Migration),
            Box::new(m20261121_000007_create_partner_api_key::Migration),
            Box::new(m20261121_000008_create_quota_use::Migration),
            Box::new(m20261121_000009_create_staff::Migration),
            Box::new(m20261121_000010_create_service_case::Migration),
            Box::new(m20261121_000011_create_case_event::Migration),
            Box::new(m20261121_000012_create_idempotency_key::Migration),
            Box::new(m20261121_000013_create_notification::Migration),
            Box::new(m20261121_000014_create_user_consent::Migration),
            Box::new(m20261121_000015_create_document::Migration),
            Box::new(m20261121_000016_create_audit_log::Migration),
            Box::new(m20261130_000017_add_case_number::Migration),
            Box::new(m20261130_000018_add_appointment_doctor::Migration),
            Box::new(m20261130_000019_add_notification_read_at::Migration),
            Box::new(m20261130_000020_add_notification_dispatch::Migration),
            Box::new(m20261130_000021_add_case_milestones::Migration),
            Box::new(m20261130_000022_create_reports::Migration),
            Box::new(m20261206_000023_add_contact::Migration),
            Box::new(m20261206_000024_create_case_offer::Migration),
            Box::new(m20261206_000025_create_case_objection::Migration),
            Box::new(m20261206_000026_add_slip_and_surgery::Migration),
            Box::new(m20261206_000027_create_intake_refusal::Migration),
            Box::new(m20261206_000028_add_treatment_abroad::Migration),
            Box::new(m20261206_000029_add_explanation::Migration),
            Box::new(m20261206_000030_create_case_courier::Migration),
            Box::new(m20261206_000031_add_record_files::Migration),
            Box::new(m20261206_000032_create_object_intent::Migration),
            Box::new(m20261206_000033_add_retention::Migration),
            Box::new(m20261207_000034_index_insured_name::Migration),
        ]
    }
}
