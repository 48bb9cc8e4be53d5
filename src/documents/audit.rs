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

/// An entry as the page lists it: who (name and login), what in words, the case's number;
/// a run of the same routine read gathered into one (`count` entries from `first` to `at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub at: DateTime<Utc>,
    pub staff: String,
    pub action: String,
    pub subject: String,
    pub case_number: Option<String>,
    pub ip: Option<String>,
    /// How many entries this row stands for (1 but for a gathered run).
    pub count: u32,
    /// The earliest of them.
    pub first: DateTime<Utc>,
    /// A read the pages make by themselves (a thumbnail, a list), not one a person asked for
    /// (a photo opened full size, a file downloaded, a full phone number shown).
    pub routine: bool,
}

/// The reads a page makes on its own each time it is opened: a case page shows every
/// thumbnail and lists the files.
const ROUTINE: [&str; 3] = ["thumbnail_read", "documents_listed", "reports_listed"];

/// How far apart two routine reads of one run may be (one page opened, then its thumbnails).
const RUN_GAP_SECS: i64 = 10 * 60;

/// Gathers each run of routine reads of one person, one case and one kind (newest first, each
/// within ten minutes of the one before) into one row, so the reads a person asked for stand
/// out among them.
pub fn gathered(rows: Vec<AuditRow>) -> Vec<AuditRow> {
    let mut out: Vec<AuditRow> = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(last) = out.last_mut()
            && row.routine
            && last.routine
            && last.staff == row.staff
            && last.action == row.action
            && last.case_number == row.case_number
            && last.ip == row.ip
            && (last.first - row.at).num_seconds() <= RUN_GAP_SECS
        {
            last.count += 1;
            last.first = row.at;
            continue;
        }
        out.push(row);
    }
    out
}

/// The kinds of audited read, as stored and in words (what the kind filter offers).
pub const KINDS: [(&str, &str); 11] = [
    ("document_viewed", "在查看页打开资料"),
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

/// A page of the log, newest first, its runs of routine reads gathered, and how many entries
/// match (none for a login or a number that names nothing).
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
            count: 1,
            first: entry.at,
            routine: ROUTINE.contains(&entry.action.as_str()),
        })
        .collect();
    Ok((gathered(rows), total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(at: &str, action: &str, case: &str) -> AuditRow {
        let at: DateTime<Utc> = at.parse().expect("as the test sets it");
        AuditRow {
            at,
            staff: "王专员（wang01）".into(),
            action: action_label(action).into(),
            subject: "医疗资料".into(),
            case_number: Some(case.into()),
            ip: None,
            count: 1,
            first: at,
            routine: ROUTINE.contains(&action),
        }
    }

    #[test]
    fn runs_of_routine_reads_are_gathered_and_a_photo_opened_stands_out() {
        let rows = vec![
            row("2026-12-01T02:20:00Z", "thumbnail_read", "GC2612-00001"),
            row("2026-12-01T02:19:59Z", "thumbnail_read", "GC2612-00001"),
            row("2026-12-01T02:19:58Z", "documents_listed", "GC2612-00001"),
            row("2026-12-01T02:15:00Z", "document_read", "GC2612-00001"),
            row("2026-12-01T02:14:00Z", "thumbnail_read", "GC2612-00001"),
            row("2026-12-01T02:13:00Z", "thumbnail_read", "GC2612-00001"),
            // Another case's thumbnails: a run of their own.
            row("2026-12-01T02:12:00Z", "thumbnail_read", "GC2612-00002"),
            // Twenty minutes before: another visit to the page.
            row("2026-12-01T01:52:00Z", "thumbnail_read", "GC2612-00002"),
        ];
        let gathered = gathered(rows);
        let summary: Vec<(&str, u32, bool)> = gathered
            .iter()
            .map(|r| (r.action.as_str(), r.count, r.routine))
            .collect();
        assert_eq!(
            summary,
            [
                ("查看照片缩略图", 2, true),
                ("查看资料列表", 1, true),
                ("查看照片原图", 1, false),
                ("查看照片缩略图", 2, true),
                ("查看照片缩略图", 1, true),
                ("查看照片缩略图", 1, true),
            ]
        );
        assert_eq!(gathered[0].first.to_rfc3339(), "2026-12-01T02:19:59+00:00");
        assert_eq!(gathered[0].at.to_rfc3339(), "2026-12-01T02:20:00+00:00");
    }
}
