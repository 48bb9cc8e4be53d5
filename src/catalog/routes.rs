use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::data::Catalog;
use crate::auth::CurrentUser;
use crate::http::Paging;
use crate::plans::{DiagnosisState, Plan, Service};
use crate::platform::error::{ApiError, ErrorBody};
use crate::policies::bind::plan_of_policy;
use crate::policies::error::PolicyError;
use crate::state::AppState;

/// Reference data changes with a release: let clients and proxies keep it an hour.
fn public_json<T: Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .json(body)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PolicyQuery {
    /// A policy bound to the caller.
    pub policy_id: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormService {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// What the form may name: hospital, department, expert.
    pub nameable: Vec<&'static str>,
    /// The coverage list; `GET /catalog/cities` lists its places. None: no place is asked.
    pub coverage: Option<String>,
    /// Diagnosis states accepted (`suspected`, `confirmed`); empty: no diagnosis is asked.
    pub diagnosis_states: Vec<&'static str>,
    /// `not_needed`, `required`, `outpatient_first`.
    pub admission_slip: &'static str,
    pub lead_time_working_days: Option<u32>,
    /// Department ids this service refuses.
    pub excluded_department_ids: Vec<String>,
}

fn form_service(plan: &Plan, service: &Service) -> FormService {
    let mut nameable = Vec::new();
    if service.nameable.hospital {
        nameable.push("hospital");
    }
    if service.nameable.department {
        nameable.push("department");
    }
    if service.nameable.expert {
        nameable.push("expert");
    }
    // Seed 004 四(三): a second hospital the insured would accept.
    if service.alternate_hospital {
        nameable.push("alternate_hospital");
    }
    FormService {
        id: service.id.clone(),
        name: service.name.clone(),
        kind: serde_json::to_value(service.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        nameable,
        coverage: service.coverage.clone(),
        diagnosis_states: plan
            .diagnosis_states_of(service)
            .into_iter()
            .map(|s| match s {
                DiagnosisState::Suspected => "suspected",
                DiagnosisState::Confirmed => "confirmed",
            })
            .collect(),
        admission_slip: service.admission_slip.code(),
        lead_time_working_days: service.lead_time_working_days,
        excluded_department_ids: Catalog::get()
            .departments
            .iter()
            .filter(|d| d.excluded_by(&service.excluded_departments).is_some())
            .map(|d| d.id.clone())
            .collect(),
    }
}

/// The services of a bound policy's plan, with what the application form asks for each.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(PolicyQuery),
    responses(
        (status = 200, body = Vec<FormService>),
        (status = 404, description = "`not_found`: no such policy bound to the caller", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
    )
)]
#[get("/catalog/services")]
pub async fn services(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<PolicyQuery>,
) -> Result<web::Json<Vec<FormService>>, ApiError> {
    let (_, _, plan) = plan_of_policy(&state, user.user_id, query.policy_id).await?;
    Ok(web::Json(
        plan.services
            .iter()
            .map(|s| form_service(&plan, s))
            .collect(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CitiesQuery {
    pub policy_id: Uuid,
    /// A service id of the policy's plan.
    pub service: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceView {
    /// Division code of the city (or ISO 3166-1 alpha-2 for a country): what `city` takes.
    pub code: String,
    pub name: String,
    pub province: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CitiesResponse {
    pub coverage: Option<String>,
    /// Empty when the service is not tied to a place.
    pub places: Vec<PlaceView>,
}

/// Where a service is offered: its coverage set.
#[utoipa::path(
    tag = "catalog",
    security(("bearer" = [])),
    params(CitiesQuery),
    responses(
        (status = 200, body = CitiesResponse),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`unknown_service`", body = ErrorBody),
    )
)]
#[get("/catalog/cities")]
pub async fn cities(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<CitiesQuery>,
) -> Result<web::Json<CitiesResponse>, ApiError> {
    let (_, _, plan) = plan_of_policy(&state, user.user_id, query.policy_id).await?;
    let service = plan
        .service(&query.service)
        .ok_or(PolicyError::UnknownService)?;
    let places = service
        .coverage
        .as_ref()
        .and_then(|list| Catalog::get().coverage.get(list))
        .map(|places| {
            places
                .iter()
                .map(|p| PlaceView {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    province: p.province.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(web::Json(CitiesResponse {
        coverage: service.coverage.clone(),
        places,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HospitalsQuery {
    /// A division code (`310100`); a county-level city falls under its prefecture.
    pub city: Option<String>,
    /// A fragment of the name.
    pub q: Option<String>,
    /// From 1.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HospitalView {
    pub id: String,
    pub name: String,
    pub level: String,
    pub address: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub city_code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HospitalPage {
    pub items: Vec<HospitalView>,
    pub page: u32,
    pub per_page: u32,
    pub total: usize,
    /// The list's provenance: a 2020 snapshot of a public 三甲 list, partial.
    pub source: &'static str,
}

/// 三甲 hospitals by city and name fragment, paged.
#[utoipa::path(
    tag = "catalog",
    params(HospitalsQuery),
    responses(
        (status = 200, body = HospitalPage),
        (status = 400, description = "`invalid_paging`, `invalid_query`", body = ErrorBody),
    )
)]
#[get("/catalog/hospitals")]
pub async fn hospitals(query: web::Query<HospitalsQuery>) -> Result<HttpResponse, ApiError> {
    let Paging { page, per_page } = Paging::parse(query.page, query.per_page)?;
    let needle = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let city = query
        .city
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let matching: Vec<_> = Catalog::get()
        .hospitals
        .iter()
        .filter(|h| city.is_none_or(|c| Catalog::hospital_in_city(h, c)))
        .filter(|h| {
            needle
                .as_deref()
                .is_none_or(|n| h.name.to_lowercase().contains(n))
        })
        .collect();
    let total = matching.len();
    let items = matching
        .into_iter()
        .skip((page as usize - 1).saturating_mul(per_page as usize))
        .take(per_page as usize)
        .map(|h| HospitalView {
            id: h.id.clone(),
            name: h.name.clone(),
            level: h.level.clone(),
            address: h.address.clone(),
            province: h.province.clone(),
            city: h.city.clone(),
            city_code: h.city_code.clone(),
        })
        .collect();
    Ok(public_json(&HospitalPage {
        items,
        page,
        per_page,
        total,
        source: "46319943/3AHospital（2020年快照，Apache-2.0），非权威名录",
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub category: String,
    pub has_outpatient: bool,
    /// Refused by green-channel services (产科, 急诊科, 医技科室).
    pub excluded: bool,
    /// Why, in words, when excluded.
    pub excluded_reason: Option<&'static str>,
}

/// Departments, those excluded from the service marked.
#[utoipa::path(
    tag = "catalog",
    responses((status = 200, body = Vec<DepartmentView>))
)]
#[get("/catalog/departments")]
pub async fn departments() -> HttpResponse {
    let items: Vec<_> = Catalog::get()
        .departments
        .iter()
        .map(|d| DepartmentView {
            id: d.id.clone(),
            name: d.name.clone(),
            aliases: d.aliases.clone(),
            category: d.category.clone(),
            has_outpatient: d.has_outpatient,
            excluded: d.excluded_from_service,
            excluded_reason: d
                .excluded_from_service
                .then(|| d.exclusion_reason())
                .flatten(),
        })
        .collect();
    public_json(&items)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IllnessView {
    pub id: String,
    pub seq: u32,
    pub name: String,
    /// `severe` (重度) or `mild` (轻度).
    pub grade: String,
}

/// The 2020 critical-illness list (《重大疾病保险的疾病定义使用规范（2020年修订版）》).
#[utoipa::path(
    tag = "catalog",
    responses((status = 200, body = Vec<IllnessView>))
)]
#[get("/catalog/illnesses")]
pub async fn illnesses() -> HttpResponse {
    let items: Vec<_> = Catalog::get()
        .illnesses
        .iter()
        .map(|i| IllnessView {
            id: i.id.clone(),
            seq: i.seq,
            name: i.name.clone(),
            grade: i.grade.clone(),
        })
        .collect();
    public_json(&items)
}
