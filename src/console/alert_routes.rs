//! The console's alerts: the promises to act on before they fall due (the same list as
//! `GET /api/v1/staff/alerts`, from `staff::alerts`), refreshed like the queue.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::pages::{Who, when};
use super::respond::{ConsoleError, render};
use super::session::ConsoleUser;
use crate::cases::view::status_text;
use crate::desk::alerts::{Promise, alerts};
use crate::state::AppState;

/// One alert as the page shows it.
#[derive(Debug)]
pub struct AlertRow {
    pub id: String,
    pub number: String,
    pub service: String,
    pub status: &'static str,
    pub assignee: String,
    pub promise: &'static str,
    pub due_at: String,
    pub overdue: bool,
    /// `还剩 45 分钟` or `已超时 30 分钟`.
    pub left: String,
}

#[derive(Template, Debug)]
#[template(path = "console/alerts.html")]
pub struct AlertsPage {
    pub who: Option<Who>,
    pub rows: Vec<AlertRow>,
    pub window_minutes: u32,
    pub overdue: usize,
    pub due_soon: usize,
    pub refresh_secs: u32,
}

fn left(minutes: i64) -> String {
    let (label, minutes) = if minutes < 0 {
        ("已超时", -minutes)
    } else {
        ("还剩", minutes)
    };
    if minutes >= 60 {
        format!("{label} {} 小时 {} 分钟", minutes / 60, minutes % 60)
    } else {
        format!("{label} {minutes} 分钟")
    }
}

pub async fn alerts_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    let list = alerts(&state, &user.staff, None).await?;
    let rows = list
        .items
        .iter()
        .map(|a| AlertRow {
            id: a.case_id.to_string(),
            number: a.number.clone(),
            service: a.service_name.clone(),
            status: status_text(a.status),
            assignee: a
                .assignee_name
                .clone()
                .unwrap_or_else(|| "未认领".to_owned()),
            promise: match a.promise {
                Promise::FirstContact => "首次联系",
                Promise::Sla => "服务安排时限",
            },
            due_at: when(Some(a.due_at)),
            overdue: a.overdue,
            left: left(a.minutes_left),
        })
        .collect();
    let page = AlertsPage {
        who: Some(super::who(&state, &user).await?),
        rows,
        window_minutes: list.window_minutes,
        overdue: list.overdue,
        due_soon: list.due_soon,
        refresh_secs: state.settings.console.queue_refresh_secs,
    };
    Ok(render(StatusCode::OK, &page))
}
