//! The stored weekly reports, for those who may read them: supervisors and admins (every
//! insurer) and an insurer's viewers (their own insurer only). Specialists arrange care and do
//! not read the insurers' reports. Every download is audited.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::ReportError;
use super::store::{self, WeeklyReport};
use super::weekly::{Format, Week};
use crate::attachments::store::documents::audit_read;
use crate::platform::storage::Download;
use crate::staff::Role;
use crate::staff::access::{AccessError, CurrentStaff};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WeeklyView {
    pub id: Uuid,
    /// The insurer's code.
    pub insurer: String,
    /// ISO week, `2026-W48`.
    #[schema(example = "2026-W48")]
    pub week: String,
    /// `xlsx` or `csv`.
    pub format: String,
    pub size_bytes: i64,
    pub case_count: i32,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub generated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WeeklyList {
    pub items: Vec<WeeklyView>,
}

fn may_read(staff: &CurrentStaff) -> Result<(), ReportError> {
    match staff.role {
        Role::Specialist => Err(AccessError::ForbiddenRole { role: staff.role }.into()),
        Role::Supervisor | Role::Admin | Role::InsurerViewer => Ok(()),
    }
}

/// The reports `staff` may read, newest week first: of `insurer` (a code) and `week` where given.
pub async fn list(
    state: &AppState,
    staff: &CurrentStaff,
    insurer: Option<&str>,
    week: Option<&str>,
) -> Result<WeeklyList, ReportError> {
    may_read(staff)?;
    let week = match week.map(str::trim).filter(|w| !w.is_empty()) {
        Some(text) => Some(Week::parse(text).ok_or(ReportError::WeekInvalid)?.label()),
        None => None,
    };
    let insurers = store::insurers(&state.db).await?;
    let insurer_id = match insurer.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => {
            let found = insurers
                .iter()
                .find(|i| i.code == code)
                .ok_or(ReportError::UnknownInsurer)?;
            // Another insurer's reports do not exist for a viewer.
            if !staff.sees(found.id) {
                return Err(ReportError::NotFound);
            }
            Some(found.id)
        }
        None => staff.account.insurer_id,
    };
    let rows = store::weekly_list(&state.db, insurer_id, week.as_deref(), 200).await?;
    let code = |id: i64| {
        insurers
            .iter()
            .find(|i| i.id == id)
            .map_or_else(String::new, |i| i.code.clone())
    };
    Ok(WeeklyList {
        items: rows
            .iter()
            .map(|r: &WeeklyReport| WeeklyView {
                id: r.public_id,
                insurer: code(r.insurer_id),
                week: r.week.clone(),
                format: r.format.clone(),
                size_bytes: r.size_bytes,
                case_count: r.case_count,
                generated_at: r.generated_at,
            })
            .collect(),
    })
}

/// Opens a stored report for `staff`, after the check and the audit.
pub async fn open(
    state: &AppState,
    staff: &CurrentStaff,
    ip: Option<std::net::IpAddr>,
    id: Uuid,
) -> Result<Download, ReportError> {
    may_read(staff)?;
    let row = store::find_weekly(&state.db, id)
        .await?
        .filter(|r| staff.sees(r.insurer_id))
        .ok_or(ReportError::NotFound)?;
    audit_read(
        &state.db,
        staff,
        ip,
        "weekly_report_read",
        ("weekly_report", id),
        None,
    )
    .await?;
    if row.purged_at.is_some() {
        return Err(ReportError::ReportPurged);
    }
    let format = Format::parse(&row.format).ok_or_else(|| ReportError::unexpected("format"))?;
    let file_name = format!("服务进度周报-{}.{}", row.week, format.extension());
    let media_type = format.media_type().to_owned();
    state
        .storage
        .download(&row.storage_key, media_type, file_name)
        .await?
        .ok_or(ReportError::NotFound)
}
