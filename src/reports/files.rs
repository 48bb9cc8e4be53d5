//! A case's written report: a specialist uploads the PDF (sniffed by content, size-limited,
//! stored privately as it came, never re-encoded), the insured is told through the outbox
//! (`report_ready`) and reads it in the mini-program; where the plan sends it to the insurer
//! (seed 001 "服务报告发送史带"), that insurer's viewers read it too. Every staff read is audited.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing::instrument;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::ReportError;
use crate::attachments::FileKind;
use crate::attachments::store::reports::{self as store, CaseReport, NewReport};
use crate::cases::files::{Reader, readable_case as readable};
use crate::cases::service::case_in_scope;
use crate::cases::service::{plan_of, status_of};
use crate::cases::store::{self as cases, Actor, Case};
use crate::outbox::kind::NotificationKind;
use crate::platform::db::write_transaction;
use crate::platform::storage::{Download, ahead};
use crate::staff::Role;
use crate::staff::access::{AccessError, CurrentStaff, Need, may_change};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    pub id: Uuid,
    /// `report` (the written report) or `bill` (the medical bills, treatment abroad).
    pub kind: FileKind,
    /// `书面报告`, `医疗账单`.
    pub kind_label: &'static str,
    pub file_name: String,
    pub size_bytes: i64,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub uploaded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportList {
    pub items: Vec<ReportView>,
}

fn view(row: &CaseReport) -> ReportView {
    let kind = FileKind::parse(&row.kind).unwrap_or(FileKind::Report);
    ReportView {
        id: row.public_id,
        kind,
        kind_label: kind.label(),
        file_name: row.file_name.clone(),
        size_bytes: row.size_bytes,
        uploaded_at: row.uploaded_at,
    }
}

/// Whether `bytes` are a PDF by content: the header a PDF starts with and the end-of-file
/// marker in its last kilobyte (a truncated upload has none).
pub fn is_pdf(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    bytes.starts_with(b"%PDF-") && tail.windows(5).any(|w| w == b"%%EOF")
}

/// The name the insured sees: the uploaded file's base name, at most 128 characters, ending in
/// `.pdf`; `报告.pdf` (`账单.pdf`) when it had none.
pub fn file_name(given: Option<&str>, kind: FileKind) -> String {
    let base = given
        .and_then(|name| name.rsplit(['/', '\\']).next())
        .map(|name| {
            name.chars()
                .filter(|c| !c.is_control() && *c != '"')
                .collect::<String>()
        })
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| match kind {
            FileKind::Report => "报告.pdf".to_owned(),
            FileKind::Bill => "账单.pdf".to_owned(),
        });
    let stem = base
        .strip_suffix(".pdf")
        .or_else(|| base.strip_suffix(".PDF"))
        .unwrap_or(&base);
    let stem: String = stem.chars().take(124).collect();
    format!("{stem}.pdf")
}

/// Stores a report on a case whose service ends with one, as the staff member who may act on
/// it; the insured is notified.
#[instrument(skip_all, fields(case = %case_id, staff_id = staff.id(), size = bytes.len()))]
pub async fn upload(
    state: &AppState,
    staff: &CurrentStaff,
    case_id: Uuid,
    (given_name, kind): (Option<&str>, Option<&str>),
    bytes: Bytes,
) -> Result<ReportView, ReportError> {
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => FileKind::Report,
        Some(code) => FileKind::parse(code).ok_or(ReportError::FileKindInvalid)?,
    };
    let case = case_in_scope(state, staff, case_id).await?;
    may_change(staff, case.assignee_id, Need::Owner)?;
    let (_, service) = plan_of(state, &case)?;
    if !service.report {
        return Err(ReportError::ReportNotExpected);
    }
    if kind == FileKind::Bill && !service.bill {
        return Err(ReportError::BillNotExpected);
    }
    let status = status_of(&case);
    if !status.is_open() {
        return Err(ReportError::CaseClosed);
    }
    if !is_pdf(&bytes) {
        return Err(ReportError::ReportNotPdf);
    }
    let now = state.clocks.business.now();
    let public_id = Uuid::new_v4();
    let key = format!("reports/{}/{public_id}.pdf", case.public_id);
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = i64::try_from(bytes.len()).map_err(ReportError::unexpected)?;
    // The object first: a row never names a missing object. It is announced before it is
    // written and settled with the row, so a crash in between leaves it to the worker's sweep
    // (`platform::storage::ahead`).
    ahead::announce(&state.db, &[&key], now).await?;
    if let Err(e) = state.storage.put(&key, bytes, "application/pdf").await {
        ahead::abandon(&state.db, &state.storage, &[&key]).await;
        return Err(e.into());
    }
    let name = file_name(given_name, kind);
    let saved = async {
        let txn = write_transaction(&state.db).await?;
        if !ahead::settle(&txn, &[&key]).await? {
            txn.rollback().await?;
            return Err(ReportError::unexpected(anyhow::anyhow!(
                "the report's object was swept as left behind before its row was saved"
            )));
        }
        let row = store::insert_case_report(
            &txn,
            NewReport {
                public_id,
                case_id: case.id,
                storage_key: key.clone(),
                file_name: name.clone(),
                size_bytes: size,
                sha256,
                uploaded_by: staff.id(),
                uploaded_at: now,
                kind,
            },
        )
        .await?;
        cases::write::record_event(
            &txn,
            case.id,
            Some(status),
            status,
            "report_uploaded",
            Actor::Staff(staff.id()),
            Some(kind.code().to_owned()),
            Some(name),
            now,
        )
        .await?;
        crate::outbox::store::enqueue(
            &txn,
            case.user_id,
            Some(case.id),
            NotificationKind::ReportReady,
            &cases::write::notification_payload(&case, &service, None),
            now,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(case = %case.public_id, report = %public_id, "report uploaded");
        Ok(view(&row))
    }
    .await;
    if saved.is_err() {
        ahead::abandon(&state.db, &state.storage, &[&key]).await;
    }
    saved
}

/// The case `reader` may see the reports of: its owner; staff in scope, insurer viewers only
/// where the plan sends the service's report to the insurer. Staff reads are audited.
async fn readable_case(
    state: &AppState,
    reader: Reader<'_>,
    case: Option<Case>,
    action: &str,
    subject: (&str, Uuid),
) -> Result<Case, ReportError> {
    readable(
        state,
        reader,
        case,
        (action, subject),
        || ReportError::NotFound,
        |staff, case| {
            if staff.role == Role::InsurerViewer {
                let (plan, service) = plan_of(state, case)?;
                if !plan.reports.per_case.contains(&service.id) {
                    return Err(AccessError::ForbiddenRole { role: staff.role }.into());
                }
            }
            Ok(())
        },
    )
    .await
}

/// A case's reports, for its owner or staff who may read them.
#[instrument(skip_all, fields(case = %case_id))]
pub async fn list(
    state: &AppState,
    reader: Reader<'_>,
    case_id: Uuid,
) -> Result<ReportList, ReportError> {
    let found = cases::find(&state.db, case_id).await?;
    let case = readable_case(state, reader, found, "reports_listed", ("case", case_id)).await?;
    let rows = store::for_case(&state.db, case.id).await?;
    Ok(ReportList {
        // Removed at the end of their retention: the case says so (`records_purged_at`).
        items: rows
            .iter()
            .filter(|r| r.purged_at.is_none())
            .map(view)
            .collect(),
    })
}

/// Opens a report for `reader`, after the check and the audit.
#[instrument(skip_all, fields(report = %id))]
pub async fn open(state: &AppState, reader: Reader<'_>, id: Uuid) -> Result<Download, ReportError> {
    let row = store::find_case_report(&state.db, id)
        .await?
        .ok_or(ReportError::NotFound)?;
    let case = cases::find_by_id(&state.db, row.case_id).await?;
    readable_case(state, reader, case, "report_read", ("report", id)).await?;
    if row.purged_at.is_some() {
        return Err(ReportError::ReportPurged);
    }
    state
        .storage
        .download(
            &row.storage_key,
            "application/pdf".to_owned(),
            row.file_name,
        )
        .await?
        .ok_or(ReportError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_is_known_by_its_header_and_its_end() {
        assert!(is_pdf(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"));
        assert!(!is_pdf(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), "truncated");
        assert!(!is_pdf(b"<html>%PDF-1.7 %%EOF</html>"));
        assert!(!is_pdf(b""));
    }

    #[test]
    fn file_names_are_tidied() {
        assert_eq!(
            file_name(Some("C:\\reports\\第二诊疗意见.PDF"), FileKind::Report),
            "第二诊疗意见.pdf"
        );
        let report = |name| file_name(name, FileKind::Report);
        assert_eq!(report(Some("../../etc/passwd")), "passwd.pdf");
        assert_eq!(report(Some("  ")), "报告.pdf");
        assert_eq!(report(None), "报告.pdf");
        assert_eq!(file_name(None, FileKind::Bill), "账单.pdf");
        let long = "长".repeat(300);
        assert_eq!(report(Some(&long)).chars().count(), 128);
        assert_eq!(report(Some("a\"b\u{7}.pdf")), "ab.pdf");
    }
}
