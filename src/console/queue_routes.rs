//! The console's queue: the page and its rows (refreshed by htmx).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::forms::Fields;
use super::pages::{Choice, QueuePage, QueueRows, Row, Tab};
use super::respond::{ConsoleError, render};
use super::session::ConsoleUser;
use crate::cases::queue::{Phase, Waiting};
use crate::cases::view::status_text;
use crate::desk::queue::{QueueParams, queue};
use crate::http::Paging;
use crate::platform::error::{ApiError, Kind};
use crate::state::AppState;

/// The filters of a queue request as a query string (no `page`), and without `status`.
fn queue_query(params: &QueueParams) -> (String, String) {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let mut push = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            pairs.push((k, v));
        }
    };
    push(
        "assigned",
        params.assigned.map(|a| format!("{a:?}").to_lowercase()),
    );
    push("number", params.number.clone());
    push("policy_no", params.policy_no.clone());
    push("name", params.name.clone());
    push("plan", params.plan.clone());
    push("service", params.service.clone());
    push(
        "overdue",
        params.overdue.filter(|o| *o).map(|_| "true".to_owned()),
    );
    push("waiting", params.waiting.map(waiting_code));
    push("phase", params.phase.map(|p| p.code().to_owned()));
    let encode = |pairs: &[(&str, String)]| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
            .finish()
    };
    let without_status = encode(&pairs);
    if let Some(status) = params.status {
        pairs.insert(0, ("status", status.as_str().to_owned()));
    }
    (encode(&pairs), without_status)
}

fn waiting_code(waiting: Waiting) -> String {
    match waiting {
        Waiting::Insured => "insured",
        Waiting::Specialist => "specialist",
    }
    .to_owned()
}

/// Reads the queue's query leniently: an empty form field is "any".
fn queue_params(req: &HttpRequest) -> Result<QueueParams, ConsoleError> {
    let fields = Fields::parse(req.query_string().as_bytes());
    let bad = || {
        ApiError::new(
            Kind::BadRequest,
            crate::platform::error::codes::INVALID_QUERY,
            "筛选条件无效",
        )
    };
    Ok(QueueParams {
        status: match fields.get("status") {
            Some(s) => Some(s.parse().map_err(|_| bad())?),
            None => None,
        },
        assigned: match fields.get("assigned") {
            Some("me") => Some(crate::cases::queue::Assigned::Me),
            Some("none") => Some(crate::cases::queue::Assigned::None),
            Some(_) => return Err(bad().into()),
            None => None,
        },
        number: fields.get("number").map(str::to_owned),
        policy_no: fields.get("policy_no").map(str::to_owned),
        name: fields.get("name").map(str::to_owned),
        service: fields.get("service").map(str::to_owned),
        plan: fields.get("plan").map(str::to_owned),
        overdue: fields.get("overdue").map(|v| v == "true"),
        phase: match fields.get("phase") {
            Some("open") => Some(Phase::Open),
            Some("closed") => Some(Phase::Closed),
            Some("all") => Some(Phase::All),
            Some(_) => return Err(bad().into()),
            None => None,
        },
        waiting: match fields.get("waiting") {
            Some("insured") => Some(Waiting::Insured),
            Some("specialist") => Some(Waiting::Specialist),
            Some(_) => return Err(bad().into()),
            None => None,
        },
        page: fields.get("page").and_then(|p| p.parse().ok()),
        per_page: Some(50),
    })
}

pub async fn queue_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    let params = queue_params(&req)?;
    let paging = Paging::parse(params.page, params.per_page)?;
    let (query, without_status) = queue_query(&params);
    let staff = &user.staff;
    let now = state.clocks.business.now();
    let calendar = state.calendar.get();
    let (rows, total, error) = match params.filter(&state, staff) {
        Ok(filter) => {
            let found = queue(&state, staff, filter, paging.page, paging.per_page).await?;
            let rows = found
                .items
                .iter()
                .map(|i| Row::of(i, &calendar, now))
                .collect();
            (rows, found.total, None)
        }
        // A number that is not one, a plan that does not exist: said next to the filters.
        Err(e) => (Vec::new(), 0, Some(ApiError::from(e).body().message)),
    };
    let counts = crate::cases::service::queue_counts(&state, staff.account.insurer_id).await?;
    let plans: Vec<Choice> = state
        .plans
        .iter()
        .map(|p| Choice {
            value: p.code.clone(),
            label: p.name.clone(),
        })
        .collect();
    let mut services: Vec<Choice> = state
        .plans
        .iter()
        .flat_map(|p| p.services.iter())
        .map(|s| Choice {
            value: s.id.clone(),
            label: s.name.clone(),
        })
        .collect();
    services.sort_by(|a, b| a.value.cmp(&b.value));
    services.dedup_by(|a, b| a.value == b.value);
    let page = QueuePage {
        who: Some(super::who(&state, &user).await?),
        open_total: counts
            .iter()
            .filter(|(s, _)| s.is_open())
            .map(|(_, n)| n)
            .sum(),
        closed_total: counts
            .iter()
            .filter(|(s, _)| Phase::Closed.holds(*s))
            .map(|(_, n)| n)
            .sum(),
        all_total: counts.iter().map(|(_, n)| n).sum(),
        phase: params
            .phase
            .map(|p| p.code().to_owned())
            .unwrap_or_default(),
        tabs: counts
            .iter()
            .filter(|(s, _)| s.is_open())
            .map(|(status, count)| Tab {
                code: status.as_str(),
                label: status_text(*status),
                count: *count,
            })
            .collect(),
        status: params
            .status
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        assigned: params
            .assigned
            .map(|a| format!("{a:?}").to_lowercase())
            .unwrap_or_default(),
        number: params.number.clone().unwrap_or_default(),
        policy_no: params.policy_no.clone().unwrap_or_default(),
        name: params.name.clone().unwrap_or_default(),
        plan: params.plan.clone().unwrap_or_default(),
        service: params.service.clone().unwrap_or_default(),
        overdue: params.overdue.unwrap_or(false),
        waiting: params.waiting.map(waiting_code).unwrap_or_default(),
        plans,
        services,
        error,
        rows,
        total,
        page: paging.page,
        pages: u32::try_from(total.div_ceil(u64::from(paging.per_page)).max(1)).unwrap_or(1),
        query,
        without_status,
        refresh_secs: state.settings.console.queue_refresh_secs,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The queue's rows alone, for the periodic refresh.
pub async fn queue_rows(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    let params = queue_params(&req)?;
    let paging = Paging::parse(params.page, params.per_page)?;
    let (query, _) = queue_query(&params);
    let filter = params.filter(&state, &user.staff)?;
    let found = queue(&state, &user.staff, filter, paging.page, paging.per_page).await?;
    let now = state.clocks.business.now();
    let calendar = state.calendar.get();
    let rows = QueueRows {
        rows: found
            .items
            .iter()
            .map(|i| Row::of(i, &calendar, now))
            .collect(),
        query,
        page: paging.page,
        refresh_secs: state.settings.console.queue_refresh_secs,
    };
    Ok(render(StatusCode::OK, &rows))
}
