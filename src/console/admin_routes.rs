//! `/console/admin/...` (administrators only): staff accounts, partner keys, the audit log of
//! staff reads of medical records, and the working-day calendar's years.

use actix_web::ResponseError;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Datelike, NaiveDate};
use strum::VariantArray;

use super::admin_pages::{
    AccountLine, AdminAuditPage, AdminCalendarPage, AdminKeysPage, AdminStaffPage, AuditLine,
    KeyLine,
};
use super::forms::Fields;
use super::pages::{Choice, role_text, when};
use super::respond::{ConsoleError, checked, render, see_other};
use super::session::ConsoleUser;
use crate::calendar::local_date;
use crate::documents::audit::{self, AuditQuery};
use crate::http::Paging;
use crate::platform::error::ApiError;
use crate::policies::partner;
use crate::staff::Role;
use crate::staff::admin::{self, may_administer};
use crate::state::AppState;

pub fn mount(config: &mut web::ServiceConfig) {
    config
        .route(
            "/admin",
            web::get().to(|| async { see_other("/console/admin/staff") }),
        )
        .route("/admin/staff", web::get().to(staff_page))
        .route("/admin/staff", web::post().to(create_account))
        .route("/admin/staff/{login}/{op}", web::post().to(change_account))
        .route("/admin/keys", web::get().to(keys_page))
        .route("/admin/keys", web::post().to(create_key))
        .route("/admin/keys/{prefix}/revoke", web::post().to(revoke_key))
        .route("/admin/audit", web::get().to(audit_page))
        .route("/admin/calendar", web::get().to(calendar_page));
}

/// The insurers as a person picks them: by name (the code is the form's value only).
async fn insurer_choices(state: &AppState) -> Result<Vec<Choice>, ConsoleError> {
    Ok(crate::staff::admin::insurer_names(state)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|(code, name)| Choice {
            value: code,
            label: name,
        })
        .collect())
}

/// The name of the insurer `code` among `choices` (the code itself if unknown); none: every
/// insurer.
fn insurer_name(choices: &[Choice], code: Option<&str>) -> String {
    match code {
        Some(code) => choices
            .iter()
            .find(|c| c.value == code)
            .map_or_else(|| code.to_owned(), |c| c.label.clone()),
        None => "全部保险公司".to_owned(),
    }
}

async fn staff_view(
    state: &AppState,
    user: &ConsoleUser,
    notice: Option<String>,
    error: Option<String>,
) -> Result<AdminStaffPage, ConsoleError> {
    let accounts = admin::accounts(state, &user.staff).await?;
    let insurers = insurer_choices(state).await?;
    Ok(AdminStaffPage {
        who: Some(super::who(state, user).await?),
        csrf: user.csrf.clone(),
        section: "staff",
        insurers: insurers.clone(),
        notice,
        error,
        roles: Role::VARIANTS
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: role_text(*r).to_owned(),
            })
            .collect(),
        accounts: accounts
            .into_iter()
            .map(|a| AccountLine {
                insurer_name: insurer_name(&insurers, a.insurer.as_deref()),
                role: a.role.as_str(),
                role_text: role_text(a.role),
                insurer: a.insurer.unwrap_or_default(),
                active: a.active,
                created_at: when(Some(a.created_at)),
                display_name: a.card.display_name.unwrap_or_default(),
                work_phone: a.card.work_phone.unwrap_or_default(),
                login: a.login,
            })
            .collect(),
    })
}

async fn staff_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    may_administer(&user.staff).map_err(ApiError::from)?;
    let done = Fields::parse(req.query_string().as_bytes())
        .get("done")
        .map(|_| "已保存".to_owned());
    Ok(render(
        StatusCode::OK,
        &staff_view(&state, &user, done, None).await?,
    ))
}

/// The staff page again with `error`, at the status the refusal has.
async fn staff_refused(
    state: &AppState,
    user: &ConsoleUser,
    error: ApiError,
) -> Result<HttpResponse, ConsoleError> {
    let page = staff_view(state, user, None, Some(error.body().message)).await?;
    Ok(render(error.status_code(), &page))
}

async fn create_account(
    state: web::Data<AppState>,
    user: ConsoleUser,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let fields = Fields::parse(&body);
    checked(&user, &fields)?;
    let outcome = admin::create(
        &state,
        &user.staff,
        fields.get("login").unwrap_or_default(),
        fields.get("role").unwrap_or_default(),
        fields.get("insurer"),
        fields.get("password").unwrap_or_default(),
        (fields.get("display_name"), fields.get("work_phone")),
    )
    .await;
    match outcome {
        Ok(()) => Ok(see_other("/console/admin/staff?done=1")),
        Err(e) => staff_refused(&state, &user, e.into()).await,
    }
}

async fn change_account(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let (login, op) = path.into_inner();
    let fields = Fields::parse(&body);
    checked(&user, &fields)?;
    let staff = &user.staff;
    let outcome = match op.as_str() {
        "activate" => admin::set_active(&state, staff, &login, true).await,
        "deactivate" => admin::set_active(&state, staff, &login, false).await,
        "password" => {
            let password = fields.get("password").unwrap_or_default();
            admin::reset_password(&state, staff, &login, password).await
        }
        "role" => {
            let role = fields.get("role").unwrap_or_default();
            admin::change_role(&state, staff, &login, role, fields.get("insurer")).await
        }
        "card" => {
            let card = (fields.get("display_name"), fields.get("work_phone"));
            admin::set_card(&state, staff, &login, card).await
        }
        _ => return Err(ApiError::not_found().into()),
    };
    match outcome {
        Ok(()) => Ok(see_other("/console/admin/staff?done=1")),
        Err(e) => staff_refused(&state, &user, e.into()).await,
    }
}

async fn keys_view(
    state: &AppState,
    user: &ConsoleUser,
    new_key: Option<String>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<AdminKeysPage, ConsoleError> {
    let keys = partner::keys_for_admin(state, &user.staff).await?;
    let insurers = insurer_choices(state).await?;
    Ok(AdminKeysPage {
        who: Some(super::who(state, user).await?),
        csrf: user.csrf.clone(),
        section: "keys",
        notice,
        error,
        new_key,
        keys: keys
            .into_iter()
            .map(|k| KeyLine {
                revocable: k.revoked_at.is_none(),
                state: match k.revoked_at {
                    Some(at) => format!("已于 {} 吊销", when(Some(at))),
                    None => "有效".to_owned(),
                },
                created_at: when(Some(k.created_at)),
                prefix: k.prefix,
                insurer: insurer_name(&insurers, Some(&k.insurer)),
            })
            .collect(),
        insurers,
    })
}

async fn keys_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    let done = Fields::parse(req.query_string().as_bytes())
        .get("done")
        .map(|_| "已吊销".to_owned());
    Ok(render(
        StatusCode::OK,
        &keys_view(&state, &user, None, done, None).await?,
    ))
}

/// Creates a key and shows it on this page, this once (no redirect: it is not stored).
async fn create_key(
    state: web::Data<AppState>,
    user: ConsoleUser,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let fields = Fields::parse(&body);
    checked(&user, &fields)?;
    let insurer = fields.get("insurer").unwrap_or_default();
    match partner::create_for_admin(&state, &user.staff, insurer).await {
        Ok(key) => {
            let page = keys_view(&state, &user, Some(key.key), None, None).await?;
            Ok(render(StatusCode::CREATED, &page))
        }
        Err(e) => {
            let error = ApiError::from(e);
            let page = keys_view(&state, &user, None, None, Some(error.body().message)).await?;
            Ok(render(error.status_code(), &page))
        }
    }
}

async fn revoke_key(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let fields = Fields::parse(&body);
    checked(&user, &fields)?;
    match partner::revoke_for_admin(&state, &user.staff, &path).await {
        Ok(()) => Ok(see_other("/console/admin/keys?done=1")),
        Err(e) => {
            let error = ApiError::from(e);
            let page = keys_view(&state, &user, None, None, Some(error.body().message)).await?;
            Ok(render(error.status_code(), &page))
        }
    }
}

/// The time of day of an instant (Shanghai), as the end of a range that began the same day.
fn clock_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%H:%M")
        .to_string()
}

async fn audit_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    let fields = Fields::parse(req.query_string().as_bytes());
    let date = |name: &str| {
        fields
            .get(name)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    let query = AuditQuery {
        staff_login: fields.get("staff").map(str::to_owned),
        case_number: fields.get("case").map(str::to_owned),
        kind: fields.get("kind").map(str::to_owned),
        from: date("from"),
        until: date("until"),
    };
    let paging = Paging::parse(fields.get("page").and_then(|p| p.parse().ok()), Some(50))?;
    let (rows, total, error) =
        match audit::page(&state, &user.staff, &query, paging.page, paging.per_page).await {
            Ok((rows, total)) => (rows, total, None),
            Err(crate::documents::error::DocumentError::Access(e)) => {
                return Err(ApiError::from(e).into());
            }
            Err(e) => (Vec::new(), 0, Some(ApiError::from(e).body().message)),
        };
    let echo: Vec<(&str, String)> = [
        ("staff", query.staff_login.clone()),
        ("case", query.case_number.clone()),
        ("kind", query.kind.clone()),
        ("from", query.from.map(|d| d.to_string())),
        ("until", query.until.map(|d| d.to_string())),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k, v)))
    .collect();
    let page = AdminAuditPage {
        who: Some(super::who(&state, &user).await?),
        section: "audit",
        notice: None,
        error,
        staff: query.staff_login.clone().unwrap_or_default(),
        case_number: query.case_number.clone().unwrap_or_default(),
        kind: query.kind.clone().unwrap_or_default(),
        kinds: audit::KINDS
            .iter()
            .map(|(code, label)| super::pages::Choice {
                value: (*code).to_owned(),
                label: (*label).to_owned(),
            })
            .collect(),
        from: query.from.map(|d| d.to_string()).unwrap_or_default(),
        until: query.until.map(|d| d.to_string()).unwrap_or_default(),
        rows: rows
            .into_iter()
            .map(|r| AuditLine {
                at: if r.count > 1 {
                    format!("{}–{}", when(Some(r.first)), clock_time(r.at))
                } else {
                    when(Some(r.at))
                },
                count: r.count,
                routine: r.routine,
                staff: r.staff,
                action: r.action,
                subject: r.subject,
                case_number: r.case_number.unwrap_or_default(),
                ip: r.ip.unwrap_or_default(),
            })
            .collect(),
        total,
        page: paging.page,
        pages: u32::try_from(total.div_ceil(u64::from(paging.per_page)).max(1)).unwrap_or(1),
        query: url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(echo.iter().map(|(k, v)| (*k, v.as_str())))
            .finish(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The working-day calendar: which years' statutory holidays are loaded, and whether next
/// year's promises are still provisional.
async fn calendar_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    may_administer(&user.staff).map_err(ApiError::from)?;
    let calendar = state.calendar.get();
    let years: Vec<String> = calendar.published_years().map(|y| y.to_string()).collect();
    let next = local_date(state.clocks.business.now()).year() + 1;
    let page = AdminCalendarPage {
        who: Some(super::who(&state, &user).await?),
        section: "calendar",
        notice: None,
        error: None,
        calendar_years: years.join("、"),
        calendar_next: if calendar.is_published(next) {
            format!("{next} 年的节假日安排已载入。")
        } else {
            format!(
                "{next} 年的节假日安排尚未公布：该年的时限暂按周一至周五计算，标为“暂定”（公布后用 import-holidays 载入）。"
            )
        },
    };
    Ok(render(StatusCode::OK, &page))
}
