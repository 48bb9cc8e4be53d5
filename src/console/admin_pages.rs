//! Administration's pages (accounts, partner keys, the audit log, the calendar) as askama
//! templates, and the rows they list.

use askama::Template;

use super::pages::{Choice, Who};

#[derive(Debug, Clone)]
pub struct AccountLine {
    pub login: String,
    pub role: &'static str,
    pub role_text: &'static str,
    pub insurer: String,
    pub active: bool,
    pub created_at: String,
    /// The insurer of its scope by name (全部保险公司: every insurer).
    pub insurer_name: String,
    /// What the insured see of the account: its name and work phone (blank: none).
    pub display_name: String,
    pub work_phone: String,
}

#[derive(Template, Debug)]
#[template(path = "console/admin_staff.html")]
pub struct AdminStaffPage {
    pub who: Option<Who>,
    pub csrf: String,
    pub section: &'static str,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub roles: Vec<Choice>,
    pub insurers: Vec<Choice>,
    pub accounts: Vec<AccountLine>,
}

/// Administration's calendar tab.
#[derive(Template, Debug)]
#[template(path = "console/admin_calendar.html")]
pub struct AdminCalendarPage {
    pub who: Option<Who>,
    pub section: &'static str,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub calendar_years: String,
    pub calendar_next: String,
}

#[derive(Debug, Clone)]
pub struct KeyLine {
    pub prefix: String,
    pub insurer: String,
    pub created_at: String,
    pub state: String,
    pub revocable: bool,
}

#[derive(Template, Debug)]
#[template(path = "console/admin_keys.html")]
pub struct AdminKeysPage {
    pub who: Option<Who>,
    pub csrf: String,
    pub section: &'static str,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// A key just created: shown this once.
    pub new_key: Option<String>,
    pub insurers: Vec<Choice>,
    pub keys: Vec<KeyLine>,
}

#[derive(Debug, Clone)]
pub struct AuditLine {
    /// When, or from when to when for a gathered run.
    pub at: String,
    /// How many reads the line stands for (1: one).
    pub count: u32,
    /// A read the pages make on their own (shown quieter than one a person asked for).
    pub routine: bool,
    pub staff: String,
    pub action: String,
    pub subject: String,
    pub case_number: String,
    pub ip: String,
}

#[derive(Template, Debug)]
#[template(path = "console/admin_audit.html")]
pub struct AdminAuditPage {
    pub who: Option<Who>,
    pub section: &'static str,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub staff: String,
    pub case_number: String,
    /// The kind of read asked for (a code; empty: every kind), and the kinds in words.
    pub kind: String,
    pub kinds: Vec<super::pages::Choice>,
    pub from: String,
    pub until: String,
    pub rows: Vec<AuditLine>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
    pub query: String,
}
