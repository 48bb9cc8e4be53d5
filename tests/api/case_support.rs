//! Arranging cases through the API the way the mini-program and the console do.

use figment::providers::Serialized;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::registry::{NewPolicy, add_policy, resident_id};

pub const PLAN2: &str = "starr-ci-care";
pub const PLAN3: &str = "ci-green-channel-6096868";
pub const PLAN4: &str = "haorensheng-ci-green-channel";
pub const PLAN3_INSURER: &str = "insurer-4006096868";
pub const PLAN1_INSURER: &str = "yingshi";
pub const PASSWORD: &str = "a long console password";

/// The app with the business clock pinned at `now` (Asia/Shanghai when written `+08:00`) and
/// adjustable through the dev endpoint.
pub async fn app_at(backend: Backend, now: &str) -> TestApp {
    let now = now.to_owned();
    spawn_app_with(backend, move |f| {
        f.merge(Serialized::default("clock.adjustable", true))
            .merge(Serialized::default("clock.now", now))
            // Tests that move the clock expire drafts themselves (`expiry::sweep`), so the
            // background sweeper must not race them.
            .merge(Serialized::default("cases.sweep_interval_secs", 86_400))
    })
    .await
}

pub async fn set_clock(app: &TestApp, now: &str) {
    let response = app.put_dev_clock(&json!({ "now": now })).await;
    assert_eq!(response.status().as_u16(), 200, "clock set");
}

/// A user who logged in and bound a fresh policy of `product` effective on `effective`:
/// (access token, policy id).
pub async fn insured(
    app: &TestApp,
    who: &str,
    product: &str,
    effective: &str,
    id17: &str,
) -> (String, String) {
    let id = resident_id(id17);
    let policy_no = format!("P-{who}");
    add_policy(
        app,
        NewPolicy {
            policy_no: &policy_no,
            product,
            name: "张三丰",
            id_number: &id,
            effective,
            status: "in_force",
        },
    )
    .await;
    let token = app.login_ok(&format!("dev:{who}")).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let bound: Value = app
        .post_json(
            "/api/v1/policies/bind",
            &json!({"name": "张三丰", "id_type": "resident_id", "id_number": id}),
            Some(&token),
        )
        .await
        .json()
        .await
        .expect("JSON");
    let policy = bound["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .find(|p| p["policy_no"] == policy_no)
        .expect("bound")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    (token, policy)
}

pub async fn create(app: &TestApp, token: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/cases"))
        .bearer_auth(token)
        .header("Idempotency-Key", format!("key:{key}"))
        .json(body)
        .send()
        .await
        .expect("sent")
}

/// Creates a case and returns its JSON, failing the test on anything but 201.
/// The everyday application: an expert outpatient visit in Beijing for a confirmed illness.
pub fn beijing_outpatient(policy: &str) -> Value {
    json!({
        "policy_id": policy, "service": "expert_outpatient",
        "diagnosis_state": "confirmed", "illness_id": "CI-01",
        "city": "110100", "hospital_id": "3a-0006",
    })
}

pub async fn created(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = create(app, token, &uuid::Uuid::new_v4().to_string(), body).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, 201, "{body}");
    body
}

pub async fn get(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("sent")
}

pub async fn post(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    app.post_json(path, body, token).await
}

/// Posts and expects 200; returns the body.
/// The insured cancels case `case` (its id) on its current version; it is cancelled.
pub async fn cancel(app: &TestApp, token: &str, case: &str) {
    let current: Value = get(app, &format!("/api/v1/cases/{case}"), Some(token))
        .await
        .json()
        .await
        .expect("JSON");
    let cancelled = ok(
        app,
        &format!("/api/v1/cases/{case}/cancel"),
        token,
        &json!({ "version": current["version"] }),
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
}

pub async fn ok(app: &TestApp, path: &str, token: &str, body: &Value) -> Value {
    let response = post(app, path, Some(token), body).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// Creates a console account directly (as `staff add` does) and logs it in: the access token.
pub async fn staff(app: &TestApp, login: &str, role: &str, insurer: Option<&str>) -> String {
    green_channel::staff::accounts::add(
        &app.db,
        login,
        role,
        insurer,
        PASSWORD,
        green_channel::staff::card::StaffCard {
            display_name: Some(format!("{login}专员")),
            work_phone: Some("400-606-5033转8012".to_owned()),
        },
        chrono::Utc::now(),
    )
    .await
    .expect("account created");
    let response = app
        .post_json(
            "/api/v1/staff/auth/login",
            &json!({"login": login, "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    response.json::<Value>().await.expect("JSON")["access_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

pub fn version(case: &Value) -> i64 {
    case["version"].as_i64().expect("version")
}

pub fn id(case: &Value) -> String {
    case["id"].as_str().expect("id").to_owned()
}

/// Materials → submit → claim → approve: the case as the specialist last saw it.
pub async fn approved(app: &TestApp, user: &str, specialist: &str, case: &Value) -> Value {
    crate::doc_support::complete_materials(app, user, &id(case)).await;
    submitted_and_approved(app, user, specialist, case).await
}

/// Submit → claim → approve, for a case whose materials are complete or not needed.
pub async fn submitted_and_approved(
    app: &TestApp,
    user: &str,
    specialist: &str,
    case: &Value,
) -> Value {
    let id = id(case);
    let submitted = ok(app, &format!("/api/v1/cases/{id}/submit"), user, &json!({})).await;
    let claimed = ok(
        app,
        &format!("/api/v1/staff/cases/{id}/claim"),
        specialist,
        &json!({"version": version(&submitted)}),
    )
    .await;
    ok(
        app,
        &format!("/api/v1/staff/cases/{id}/approve"),
        specialist,
        &json!({"version": version(&claimed)}),
    )
    .await
}

/// Posts the staff action `action` on `case` with `body`, at the case's version.
pub async fn act(
    app: &TestApp,
    staff: &str,
    case: &Value,
    action: &str,
    body: Value,
) -> reqwest::Response {
    let mut body = body;
    body["version"] = json!(version(case));
    post(
        app,
        &format!("/api/v1/staff/cases/{}/{action}", id(case)),
        Some(staff),
        &body,
    )
    .await
}

/// Posts the insured's step `step` (`change-request`, `courier` …) on `case` with `body`, at
/// the case's version.
pub async fn insured_step(
    app: &TestApp,
    user: &str,
    case: &Value,
    step: &str,
    body: Value,
) -> reqwest::Response {
    let mut body = body;
    body["version"] = json!(version(case));
    post(
        app,
        &format!("/api/v1/cases/{}/{step}", id(case)),
        Some(user),
        &body,
    )
    .await
}

/// The case as a staff member reads it now.
pub async fn staff_view(app: &TestApp, staff: &str, case: &Value) -> Value {
    json_of(
        get(
            app,
            &format!("/api/v1/staff/cases/{}", id(case)),
            Some(staff),
        )
        .await,
    )
    .await
}

/// Half an hour before `at` (an RFC 3339 time): where the escort meets the insured.
pub fn meeting_before(at: &str) -> String {
    let at = chrono::DateTime::parse_from_rfc3339(at).expect("an RFC 3339 time");
    (at - chrono::TimeDelta::minutes(30)).to_rfc3339()
}

pub async fn scheduled(app: &TestApp, specialist: &str, case: &Value, at: &str) -> Value {
    ok(
        app,
        &format!("/api/v1/staff/cases/{}/schedule", id(case)),
        specialist,
        &json!({
            "version": version(case),
            "at": at,
            "hospital": "北京大学第一医院",
            "department": "肿瘤内科",
            "expert_title": "主任医师",
            "meeting_point": "门诊楼一层大厅",
            "meeting_at": meeting_before(at),
            "escort_name": "李专员",
            "escort_phone": "13800000000",
        }),
    )
    .await
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    use sea_orm::ConnectionTrait;
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

pub async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON")
}

/// The entitlement of `service` on `policy`, as the mini-program reads it.
pub async fn entitlement(app: &TestApp, token: &str, policy: &str, service: &str) -> Value {
    let body = json_of(
        get(
            app,
            &format!("/api/v1/policies/{policy}/entitlements"),
            Some(token),
        )
        .await,
    )
    .await;
    body["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["id"] == service)
        .cloned()
        .expect("the service")
}

/// The uses of `service` left on `policy`.
pub async fn service_left(app: &TestApp, token: &str, policy: &str, service: &str) -> Value {
    entitlement(app, token, policy, service).await["quota"]["left"].clone()
}
