//! The console's administration, for administrators only: staff accounts (create, deactivate,
//! reset a password, change a role and scope), partner keys (shown once, listed, revoked), the
//! audit log of staff reads of medical records, the calendar's years. Every form refused without
//! its CSRF token; every page refused to other roles.

use serde_json::json;

use crate::case_support::*;
use crate::doc_support::complete_materials;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::registry::PLAN1;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";
const FORM: &str = "application/x-www-form-urlencoded";

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Signs in through the login form: the cookie.
async fn cookie(app: &TestApp, login: &str, password: &str) -> Option<String> {
    let response = app
        .client
        .post(app.url("/console/login"))
        .header("content-type", FORM)
        .body(form(&[("login", login), ("password", password)]))
        .send()
        .await
        .expect("sent");
    (response.status().as_u16() == 303).then(|| {
        response.headers()["set-cookie"]
            .to_str()
            .expect("text")
            .split(';')
            .next()
            .expect("pair")
            .to_owned()
    })
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> (u16, String) {
    let response = app
        .client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.text().await.expect("text"))
}

async fn post(app: &TestApp, cookie: &str, path: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let response = app
        .client
        .post(app.url(path))
        .header("cookie", cookie)
        .header("content-type", FORM)
        .body(form(pairs))
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.text().await.expect("text"))
}

fn csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF field")
        .to_owned()
}

async fn administrators_run_accounts_keys_and_the_audit_log(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    staff(&app, "boss", "admin", None).await;
    staff(&app, "lili", "specialist", Some(PLAN1_INSURER)).await;
    let admin = cookie(&app, "boss", PASSWORD).await.expect("signed in");
    let specialist = cookie(&app, "lili", PASSWORD).await.expect("signed in");

    // Other roles: no administration.
    let (status, _) = page(&app, &specialist, "/console/admin/staff").await;
    assert_eq!(status, 403);
    let (status, body) = page(&app, &admin, "/console/admin/staff").await;
    assert_eq!(status, 200);
    assert!(body.contains("lili") && body.contains("医疗服务专员"));
    let token = csrf(&body);
    // The calendar has its own tab (issue 28).
    let (status, calendar) = page(&app, &admin, "/console/admin/calendar").await;
    assert_eq!(status, 200);
    assert!(
        calendar.contains("已载入的年份") && calendar.contains("2026"),
        "{calendar}"
    );
    let (status, _) = page(&app, &specialist, "/console/admin/calendar").await;
    assert_eq!(status, 403);

    // Create: refused without the token, refused with a weak password, then created.
    let new = [
        ("login", "wang"),
        ("role", "specialist"),
        ("insurer", PLAN1_INSURER),
        ("password", "a long enough password"),
    ];
    let (status, _) = post(&app, &admin, "/console/admin/staff", &new).await;
    assert_eq!(status, 403);
    assert!(
        cookie(&app, "wang", "a long enough password")
            .await
            .is_none()
    );
    let mut weak = vec![("csrf", token.as_str())];
    weak.extend([
        ("login", "wang"),
        ("role", "specialist"),
        ("password", "short"),
    ]);
    let (status, body) = post(&app, &admin, "/console/admin/staff", &weak).await;
    assert_eq!(status, 422);
    assert!(body.contains("密码至少 12 位"));
    let mut good = vec![("csrf", token.as_str())];
    good.extend(new);
    // The name and work phone the insured will see (seed 002 (一)1.2).
    good.extend([
        ("display_name", "王专员"),
        ("work_phone", "400-606-5033转8012"),
    ]);
    let (status, _) = post(&app, &admin, "/console/admin/staff", &good).await;
    assert_eq!(status, 303);
    let (_, body) = page(&app, &admin, "/console/admin/staff").await;
    assert!(
        body.contains("王专员") && body.contains("400-606-5033转8012"),
        "the card is listed"
    );
    // A work phone that is not one is refused in Chinese; a good one replaces the card.
    let (status, body) = post(
        &app,
        &admin,
        "/console/admin/staff/wang/card",
        &[
            ("csrf", &token),
            ("display_name", "王专员"),
            ("work_phone", "call me"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("工作电话"), "{body}");
    let (status, _) = post(
        &app,
        &admin,
        "/console/admin/staff/wang/card",
        &[
            ("csrf", &token),
            ("display_name", "王晓明"),
            ("work_phone", "021-61234567"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, body) = page(&app, &admin, "/console/admin/staff").await;
    assert!(body.contains("王晓明") && body.contains("021-61234567"));
    // Insurers by name, and an account of every insurer says so (issue 28: names, not codes).
    assert!(body.contains("全部保险公司"), "the blank scope is named");
    assert!(
        !body.contains(&format!(">{PLAN1_INSURER}<")),
        "no insurer code is shown as text"
    );
    let wang = cookie(&app, "wang", "a long enough password")
        .await
        .expect("the new account signs in");
    // A viewer needs an insurer.
    let (status, body) = post(
        &app,
        &admin,
        "/console/admin/staff/wang/role",
        &[
            ("csrf", &token),
            ("role", "insurer_viewer"),
            ("insurer", ""),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("须选择所属保险公司"));
    // Reset the password: the old one stops working.
    let (status, _) = post(
        &app,
        &admin,
        "/console/admin/staff/wang/password",
        &[("csrf", &token), ("password", "another long password")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        cookie(&app, "wang", "a long enough password")
            .await
            .is_none()
    );
    // Deactivate: the open session ends at once. The admin cannot deactivate themself.
    let (status, _) = post(
        &app,
        &admin,
        "/console/admin/staff/wang/deactivate",
        &[("csrf", &token)],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = page(&app, &wang, "/console/").await;
    assert_eq!(status, 303, "the deactivated account is signed out");
    let (status, body) = post(
        &app,
        &admin,
        "/console/admin/staff/boss/deactivate",
        &[("csrf", &token)],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("不能停用或降级自己的账号"));

    // Partner keys: shown once, listed by prefix, revoked.
    let (status, body) = post(
        &app,
        &admin,
        "/console/admin/keys",
        &[("csrf", &token), ("insurer", PLAN1_INSURER)],
    )
    .await;
    assert_eq!(status, 201);
    let key = body
        .split("<code class=\"secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the key, once")
        .to_owned();
    assert!(key.starts_with("gcpk_"));
    let (_, listed) = page(&app, &admin, "/console/admin/keys").await;
    assert!(!listed.contains(&key), "the key is never shown again");
    let prefix = key
        .trim_start_matches("gcpk_")
        .split('_')
        .next()
        .expect("prefix");
    assert!(listed.contains(prefix) && listed.contains("有效"));
    let policy_body = json!({
        "product_code": PLAN1,
        "insured_name": "赵六",
        "id_number": crate::registry::resident_id("11010519800101009"),
        "effective_date": "2026-01-05",
    });
    let pushed = app
        .client
        .put(app.url("/api/v1/partner/policies/KEY-1"))
        .header("x-api-key", &key)
        .json(&policy_body)
        .send()
        .await
        .expect("sent");
    assert_eq!(pushed.status().as_u16(), 201, "the key works");
    let (status, _) = post(
        &app,
        &admin,
        &format!("/console/admin/keys/{prefix}/revoke"),
        &[("csrf", &token)],
    )
    .await;
    assert_eq!(status, 303);
    let refused = app
        .client
        .put(app.url("/api/v1/partner/policies/KEY-1"))
        .header("x-api-key", &key)
        .json(&policy_body)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status().as_u16(), 401, "revoked");
    // The key is checked before the body: a revoked key with a bad body is still a 401.
    let garbled = app
        .client
        .put(app.url("/api/v1/partner/policies/KEY-1"))
        .header("x-api-key", &key)
        .json(&json!({}))
        .send()
        .await
        .expect("sent");
    assert_eq!(garbled.status().as_u16(), 401, "revoked, whatever the body");

    // The audit log: a specialist's read of a photo, found by staff and by case number.
    let (user, policy) = insured(&app, "audit", PLAN1, "2026-01-05", "11010519800101001").await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    complete_materials(&app, &user, &id(&case)).await;
    let (status, _) = page(&app, &specialist, &format!("/console/cases/{}", id(&case))).await;
    assert_eq!(status, 200);
    let number = case["number"].as_str().expect("number");
    let (status, body) = page(
        &app,
        &admin,
        &format!("/console/admin/audit?staff=lili&case={number}"),
    )
    .await;
    assert_eq!(status, 200);
    // In words, never the stored code or an id (issue 28); codes are only the kind filter's
    // option values, never in the rows.
    let rows = body
        .split_once("<tbody>")
        .and_then(|(_, rest)| rest.split_once("</tbody>"))
        .map(|(rows, _)| rows)
        .expect("the table's rows");
    assert!(
        rows.contains("查看资料列表")
            && rows.contains(number)
            && !rows.contains("documents_listed"),
        "{body}"
    );
    assert!(
        !body.contains(&id(&case)),
        "no UUID in what an administrator reads: {body}"
    );
    // By kind: the list read is found under its kind, and nothing under another.
    let (_, listed) = page(
        &app,
        &admin,
        &format!("/console/admin/audit?case={number}&kind=documents_listed"),
    )
    .await;
    assert!(
        listed.contains("查看资料列表")
            && !listed.contains("共 0 条")
            && listed.contains(r#"<option value="documents_listed" selected>"#),
        "{listed}"
    );
    let (_, none) = page(
        &app,
        &admin,
        &format!("/console/admin/audit?case={number}&kind=report_read"),
    )
    .await;
    assert!(none.contains("共 0 条"), "{none}");
    let (_, nobody) = page(&app, &admin, "/console/admin/audit?staff=nobody").await;
    assert!(nobody.contains("共 0 条"));
    let (status, body) = page(&app, &admin, "/console/admin/audit?case=hello").await;
    assert_eq!(status, 200);
    assert!(body.contains("申请编号格式不正确"));
    let (status, _) = page(&app, &specialist, "/console/admin/audit").await;
    assert_eq!(status, 403);
}

on_both_backends!(administrators_run_accounts_keys_and_the_audit_log);
