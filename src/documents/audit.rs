//! The audit log of staff reads of medical records, for administrators: filtered by staff
//! member, case (by its number), kind of read and day.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use tracing::instrument;

use super::error::DocumentError;
use crate::attachments::store::documents::{self as store, AuditFilter};
use crate::calendar::local_instant;
use crate::cases::error::CaseError;
use crate::staff::access::CurrentStaff;
use crate::staff::admin::may_administer;
use crate::state::AppState;

/// An entry as the page lists it: who (name and login), what in words, the case's number.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub staff: String,
    pub action: String,
    pub subject: String,
    pub case_number: Option<String>,
    pub ip: Option<String>,
}

/// The kinds of audited read, as stored and in words (what the kind filter offers).
pub const KINDS: [(&str, &str); 10] = [
    ("document_read", "查看照片原图"),
    ("thumbnail_read", "查看照片缩略图"),
    ("record_file_read", "下载医疗资料文件（PDF 或影像）"),
    ("documents_listed", "查看资料列表"),
    ("report_read", "下载书面报告"),
    ("reports_listed", "查看报告列表"),
    ("contact_phone_read", "查看完整联系电话"),
    ("courier_address_read", "查看完整收件地址"),
    ("form_read", "下载待填表格"),
    ("weekly_report_read", "下载服务周报"),
];

/// The kind of read stored as `action`, as (code, words); none for an unknown code.
fn kind(action: &str) -> Option<(&'static str, &'static str)> {
    KINDS.iter().copied().find(|(code, _)| *code == action)
}

/// An audited read in words (`查看照片`), never the code it is stored as.
pub fn action_label(action: &str) -> &'static str {
    kind(action).map_or("查阅", |(_, label)| label)
}

/// What was read, in words (the case number is a column of its own; ids are never shown).
pub fn subject_label(kind: &str) -> &'static str {
    match kind {
        "document" => "医疗资料",
        "report" => "书面报告",
        "case" => "申请",
        "weekly_report" => "服务周报",
        _ => "记录",
    }
}

/// What an administrator asks for: a staff login, a case number, a kind of read (one of
/// [`KINDS`]; another is ignored), a range of days (Shanghai).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub staff_login: Option<String>,
    pub case_number: Option<String>,
    pub kind: Option<String>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

/// A page of the log, newest first, and how many entries match (none for a login or a number
/// that names nothing).
#[instrument(skip_all, fields(staff_id = admin.id()))]
pub async fn page(
    state: &AppState,
    admin: &CurrentStaff,
    query: &AuditQuery,
    page: u32,
    per_page: u32,
) -> Result<(Vec<AuditRow>, u64), DocumentError> {
    may_administer(admin)?;
    let staff_id = match &query.staff_login {
        Some(login) => match crate::staff::accounts::find_by_login(&state.db, login).await? {
            Some(account) => Some(account.id),
            None => return Ok((Vec::new(), 0)),
        },
        None => None,
    };
    let case_id = match &query.case_number {
        Some(text) => {
            let number = crate::cases::number::parse(text).ok_or(CaseError::CaseNumberInvalid)?;
            match crate::cases::store::find_by_number(&state.db, &number).await? {
                Some(case) => Some(case.id),
                None => return Ok((Vec::new(), 0)),
            }
        }
        None => None,
    };
    let filter = AuditFilter {
        staff_id,
        case_id,
        action: query.kind.as_deref().and_then(kind).map(|(code, _)| code),
        from: query.from.map(|d| local_instant(d, NaiveTime::MIN)),
        until: query
            .until
            .and_then(|d| d.succ_opt())
            .map(|d| local_instant(d, NaiveTime::MIN)),
    };
    let (entries, total) = store::audit_page(&state.db, filter, page, per_page).await?;
    let logins = crate::staff::store::logins(&state.db, entries.iter().map(|e| e.staff_id)).await?;
    let names =
        crate::staff::store::display_names(&state.db, entries.iter().map(|e| e.staff_id)).await?;
    let numbers =
        crate::cases::store::numbers(&state.db, entries.iter().filter_map(|e| e.case_id)).await?;
    let rows = entries
        .into_iter()
        .map(|entry| AuditRow {
            at: entry.at,
            // The name people read, and the login an administrator filters by.
            staff: match (names.get(&entry.staff_id), logins.get(&entry.staff_id)) {
                (Some(name), Some(login)) if name != login => format!("{name}（{login}）"),
                (_, Some(login)) => login.clone(),
                _ => String::new(),
            },
            action: action_label(&entry.action).to_owned(),
            subject: subject_label(&entry.subject_kind).to_owned(),
            case_number: entry.case_id.and_then(|id| numbers.get(&id).cloned()),
            ip: entry.ip,
        })
        .collect();
    Ok((rows, total))
}
