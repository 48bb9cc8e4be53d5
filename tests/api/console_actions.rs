//! Every action form of the console, one case each, through the one action path: each reaches
//! the state the lifecycle and the plan say, exactly as the JSON staff API would, and a form the
//! role may not send is refused. Plan 5's tele-doctor (no quota, no materials) carries the cases.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::registry::PLAN5;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";
const FORM: &str = "application/x-www-form-urlencoded";

pub async fn sign_in(app: &TestApp, login: &str) -> String {
    let response = app
        .client
        .post(app.url("/console/login"))
        .header("content-type", FORM)
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([("login", login), ("password", PASSWORD)])
                .finish(),
        )
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 303);
    response.headers()["set-cookie"]
        .to_str()
        .expect("text")
        .split(';')
        .next()
        .expect("pair")
        .to_owned()
}

/// A console page as the signed-in `cookie` sees it (its HTML).
pub async fn console_page(app: &TestApp, cookie: &str, path: &str) -> String {
    app.client
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("HTML")
}

fn field(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// Posts the form of `action` on case `id` as the case page offers it (its CSRF token and the
/// version it shows), with `extra` fields; the status of the answer.
async fn act(app: &TestApp, cookie: &str, id: &str, action: &str, extra: &[(&str, &str)]) -> u16 {
    let page = console_page(app, cookie, &format!("/console/cases/{id}")).await;
    // A page that offers no form for this role still carries the session's CSRF token (the
    // logout form); the version is then forged (the role is refused before it is compared).
    let version = match field(&page, "version") {
        v if v.is_empty() => "1".to_owned(),
        v => v,
    };
    let mut pairs = vec![
        ("csrf".to_owned(), field(&page, "csrf")),
        ("version".to_owned(), version),
    ];
    pairs.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    app.client
        .post(app.url(&format!("/console/cases/{id}/{action}")))
        .header("cookie", cookie)
        .header("content-type", FORM)
        .body(
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish(),
        )
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

/// The console's page of case `id` as the session `cookie` sees it.
async fn case_page(app: &TestApp, cookie: String, id: String) -> String {
    console_page(app, &cookie, &format!("/console/cases/{id}")).await
}

const SCHEDULE: &[(&str, &str)] = &[
    ("at", "2026-11-30T09:30"),
    ("hospital", "北京协和医院"),
    ("department", "全科"),
    ("meeting_point", "门诊大厅"),
    ("meeting_at", "2026-11-30T09:00"),
    ("escort_name", "李专员"),
    ("escort_phone", "13800000000"),
];

async fn every_action_form_takes_the_case_where_the_rules_say(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "acts", PLAN5, "2026-01-05", "11010519800101008").await;
    staff(&app, "acts-supervisor", "supervisor", None).await;
    staff(&app, "acts-colleague", "specialist", None).await;
    staff(&app, "acts-specialist", "specialist", None).await;
    let supervisor = sign_in(&app, "acts-supervisor").await;
    let specialist = sign_in(&app, "acts-specialist").await;
    let new_case = || async {
        let case = created(
            &app,
            &user,
            &json!({"policy_id": policy, "service": "tele_doctor"}),
        )
        .await;
        let id = id(&case);
        ok(
            &app,
            &format!("/api/v1/cases/{id}/submit"),
            &user,
            &json!({}),
        )
        .await;
        id
    };
    let status = |id: String| {
        let app = &app;
        let user = &user;
        async move {
            let case: Value = get(app, &format!("/api/v1/cases/{id}"), Some(user))
                .await
                .json()
                .await
                .expect("JSON");
            case["status"].as_str().expect("status").to_owned()
        }
    };

    // (the steps before, the action and its fields, the status after)
    type Step<'a> = (&'a str, &'a [(&'a str, &'a str)]);
    let table: Vec<(Vec<Step>, Step, &str)> = vec![
        (vec![], ("claim", &[]), "in_review"),
        (vec![("claim", &[])], ("contact", &[]), "in_review"),
        (
            vec![("claim", &[])],
            (
                "request-materials",
                &[("categories", "ct"), ("message", "请补充CT报告")],
            ),
            "needs_materials",
        ),
        (
            vec![("claim", &[])],
            (
                "reject",
                &[("reason", "policy_not_eligible"), ("confirm", "yes")],
            ),
            "rejected",
        ),
        (vec![("claim", &[])], ("approve", &[]), "approved"),
        (
            vec![("claim", &[]), ("approve", &[])],
            ("schedule", SCHEDULE),
            "scheduled",
        ),
        (
            vec![("claim", &[]), ("approve", &[])],
            ("start", &[]),
            "in_progress",
        ),
        (
            vec![("claim", &[]), ("approve", &[]), ("schedule", SCHEDULE)],
            ("complete", &[]),
            "completed",
        ),
        (
            vec![("claim", &[]), ("approve", &[]), ("schedule", SCHEDULE)],
            ("no-show", &[]),
            "no_show",
        ),
        (
            vec![("claim", &[]), ("approve", &[])],
            (
                "terminate",
                &[("reason", "expert_unavailable"), ("confirm", "yes")],
            ),
            "terminated",
        ),
        (
            vec![("claim", &[]), ("approve", &[])],
            ("cancel", &[("note", "用户来电取消")]),
            "cancelled",
        ),
        (
            vec![("claim", &[])],
            ("reassign", &[("assignee", "acts-colleague")]),
            "in_review",
        ),
    ];
    for (before, (action, fields), expected) in table {
        let id = new_case().await;
        for (step, step_fields) in before {
            assert_eq!(
                act(&app, &supervisor, &id, step, step_fields).await,
                303,
                "{step} before {action}"
            );
        }
        // A visit is done or missed only once its time has come.
        let visit = matches!(action, "complete" | "no-show");
        if visit {
            assert_eq!(act(&app, &supervisor, &id, action, fields).await, 409);
            set_clock(&app, "2026-11-30T12:00:00+08:00").await;
        }
        assert_eq!(
            act(&app, &supervisor, &id, action, fields).await,
            303,
            "{action}"
        );
        if visit {
            set_clock(&app, MONDAY).await;
        }
        assert_eq!(status(id.clone()).await, expected, "after {action}");
        if action == "reassign" {
            // The colleague now holds it: a specialist who does not may not act on it.
            assert_eq!(act(&app, &specialist, &id, "approve", &[]).await, 403);
        }
    }

    // The reassign form offers colleagues by the names people read (not a login to type), and
    // not the one who holds the case now.
    let id = new_case().await;
    assert_eq!(act(&app, &supervisor, &id, "claim", &[]).await, 303);
    let page = case_page(&app, supervisor.clone(), id.clone()).await;
    assert!(
        page.contains(r#"<option value="acts-colleague">acts-colleague专员</option>"#),
        "{page}"
    );
    assert!(page.contains(r#"<option value="acts-specialist">acts-specialist专员</option>"#));
    assert!(
        !page.contains(r#"<option value="acts-supervisor">"#),
        "the holder is not offered"
    );
    assert!(!page.contains(r#"<input id="assignee""#));

    // A specialist may not reassign, nor act on a case a colleague holds; a reason the plan
    // does not use is refused in Chinese and changes nothing.
    let id = new_case().await;
    assert_eq!(act(&app, &specialist, &id, "claim", &[]).await, 303);
    assert_eq!(
        act(
            &app,
            &specialist,
            &id,
            "reassign",
            &[("assignee", "acts-colleague")]
        )
        .await,
        403
    );
    assert_eq!(
        act(
            &app,
            &specialist,
            &id,
            "reject",
            &[("reason", "no-such-reason"), ("confirm", "yes")]
        )
        .await,
        422
    );
    // Ending a case asks for a tick first: without it, nothing happens.
    assert_eq!(
        act(
            &app,
            &specialist,
            &id,
            "reject",
            &[("reason", "policy_not_eligible")]
        )
        .await,
        422
    );
    assert_eq!(status(id).await, "in_review");
}

on_both_backends!(every_action_form_takes_the_case_where_the_rules_say);

/// Issue 13, item 5: the console's form for the steps overseas treatment waits for (the hospital
/// abroad, the visa) takes the same action path; a service that waits for none offers no form.
async fn the_milestone_form_records_what_overseas_treatment_waits_for(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    staff(&app, "ms-supervisor", "supervisor", None).await;
    let cookie = sign_in(&app, "ms-supervisor").await;
    let supervisor = staff(&app, "ms-api", "supervisor", None).await;
    let (user, policy) = insured(&app, "ms", PLAN2, "2026-01-05", "11010519800101009").await;
    let abroad = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "overseas_treatment", "city": "US",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let abroad = approved(&app, &user, &supervisor, &abroad).await;
    let page = |id: String| case_page(&app, cookie.clone(), id);
    let html = page(id(&abroad)).await;
    assert!(
        html.contains("id=\"action-milestone\""),
        "the form is offered"
    );
    assert!(html.contains("海外医院已接收") && html.contains("医疗签证已签发"));
    assert!(
        !html.contains("住院单开具日期"),
        "only what this service waits for"
    );
    let fields = [("milestone", "visa_granted"), ("date", "2026-11-20")];
    assert_eq!(
        act(&app, &cookie, &id(&abroad), "milestone", &fields).await,
        303
    );
    // A date that is not one is refused in Chinese and changes nothing.
    let bad = [("milestone", "hospital_accepted"), ("date", "2026-13-01")];
    assert_eq!(
        act(&app, &cookie, &id(&abroad), "milestone", &bad).await,
        422
    );
    let case: Value = get(&app, &format!("/api/v1/cases/{}", id(&abroad)), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(case["visa_granted_on"], "2026-11-20");
    assert_eq!(case["hospital_accepted_on"], Value::Null);
    assert!(page(id(&abroad)).await.contains("医疗签证"));

    // The escort waits for neither: no form.
    let escort = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "escort", "city": "110100",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let escort = approved(&app, &user, &supervisor, &escort).await;
    assert!(!page(id(&escort)).await.contains("id=\"action-milestone\""));
}

on_both_backends!(the_milestone_form_records_what_overseas_treatment_waits_for);

/// seed 002 (一)1.2: where the insured may name an expert, the appointment names the doctor
/// booked; elsewhere the provider books by title and a doctor's name is refused.
async fn a_doctor_is_named_only_where_the_plan_lets_an_expert_be_named(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "doc-specialist", "specialist", None).await;
    let (user, policy) = insured(&app, "doc-p3", PLAN3, "2026-06-01", "11010519800101006").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01",
                "hospital_id": "3a-0006", "department_id": "oncology", "expert_name": "王主任"}),
    )
    .await;
    let approved = approved(&app, &user, &specialist, &case).await;
    let body = |doctor: &str, escort: &str| {
        json!({
            "version": version(&approved), "at": "2026-11-27T06:00:00Z",
            "hospital": "北京大学第一医院", "department": "肿瘤内科",
            "meeting_point": "门诊楼大厅", "meeting_at": "2026-11-27T05:30:00Z",
            "doctor": doctor, "escort_name": escort, "escort_phone": "13800000000",
        })
    };
    let path = format!("/api/v1/staff/cases/{}/schedule", id(&case));
    let long = "很".repeat(33);
    let (status, code, details) = crate::helpers::error_body(
        post(&app, &path, Some(&specialist), &body("王主任", &long)).await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "field_too_long"));
    assert_eq!(
        (details["field"].as_str(), details["max"].as_u64()),
        (Some("escort_name"), Some(32))
    );
    let scheduled = ok(&app, &path, &specialist, &body("王主任", "李专员")).await;
    assert_eq!(scheduled["appointment"]["doctor"], "王主任");

    // Plan 5's tele-doctor books by title: a doctor's name is refused, nothing changes.
    let (other, other_policy) =
        insured(&app, "doc-p5", PLAN5, "2026-01-05", "11010519800101007").await;
    let tele = created(
        &app,
        &other,
        &json!({"policy_id": other_policy, "service": "tele_doctor"}),
    )
    .await;
    let tele = submitted_and_approved(&app, &other, &specialist, &tele).await;
    let path = format!("/api/v1/staff/cases/{}/schedule", id(&tele));
    let mut with_doctor = body("张医生", "李专员");
    with_doctor["version"] = json!(version(&tele));
    let (status, code, _) =
        crate::helpers::error_body(post(&app, &path, Some(&specialist), &with_doctor).await).await;
    assert_eq!((status, code.as_str()), (422, "doctor_not_nameable"));
    let now: Value = get(&app, &format!("/api/v1/cases/{}", id(&tele)), Some(&other))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(now["status"], "approved");
}

on_both_backends!(a_doctor_is_named_only_where_the_plan_lets_an_expert_be_named);

/// A staff action without a body names the missing `version` (422, not 415); a stale version's
/// 409 says which version is current.
async fn a_missing_or_stale_version_is_named(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "ver", PLAN5, "2026-01-05", "11010519800101005").await;
    let specialist = staff(&app, "ver-specialist", "specialist", None).await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "tele_doctor"}),
    )
    .await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&case)),
        &user,
        &json!({}),
    )
    .await;
    let bare = app
        .client
        .post(app.url(&format!("/api/v1/staff/cases/{}/claim", id(&case))))
        .bearer_auth(&specialist)
        .send()
        .await
        .expect("sent");
    let (status, code, details) = crate::helpers::error_body(bare).await;
    assert_eq!((status, code.as_str()), (422, "invalid_body"));
    assert!(
        details["reason"]
            .as_str()
            .expect("reason")
            .contains("version"),
        "{details}"
    );
    let stale = post(
        &app,
        &format!("/api/v1/staff/cases/{}/claim", id(&case)),
        Some(&specialist),
        &json!({"version": version(&submitted) - 1}),
    )
    .await;
    let (status, code, details) = crate::helpers::error_body(stale).await;
    assert_eq!((status, code.as_str()), (409, "case_modified"));
    assert_eq!(details["current_version"], version(&submitted));
}

on_both_backends!(a_missing_or_stale_version_is_named);

/// Issue 15 in the console: the specialist uploads a second opinion's PDF from the case page
/// (multipart, the session's CSRF token beside the file), staff download it there, and the
/// weekly reports are listed for supervisors and insurer viewers, not for specialists.
async fn reports_in_the_console(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let supervisor_api = staff(&app, "cr-supervisor", "supervisor", None).await;
    staff(&app, "cr-specialist", "specialist", None).await;
    let supervisor = sign_in(&app, "cr-supervisor").await;
    let specialist = sign_in(&app, "cr-specialist").await;
    let (user, policy) = insured(&app, "cr", PLAN2, "2026-01-05", "11010519800101071").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "second_opinion_domestic", "city": "310100",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let ready = approved(&app, &user, &supervisor_api, &case).await;
    let id = id(&ready);
    let page = |cookie: String| case_page(&app, cookie, id.clone());
    let html = page(supervisor.clone()).await;
    assert!(html.contains("id=\"report-upload\""), "the upload form");
    let csrf = field(&html, "csrf");
    let post = |cookie: &str, csrf: &str| {
        let body =
            crate::doc_support::multipart(&[("csrf", csrf)], "opinion.pdf", crate::reports::PDF);
        app.client
            .post(app.url(&format!("/console/cases/{id}/report")))
            .header("cookie", cookie.to_owned())
            .header("content-type", crate::doc_support::content_type())
            .body(body)
            .send()
    };
    // A forged form (no token) is refused; nothing is stored.
    assert_eq!(
        post(&supervisor, "forged")
            .await
            .expect("sent")
            .status()
            .as_u16(),
        403
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM case_report").await, 0);
    let done = post(&supervisor, &csrf).await.expect("sent");
    assert_eq!(done.status().as_u16(), 303);
    let html = page(supervisor.clone()).await;
    let link = html
        .split("href=\"/console/case-reports/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the report")
        .to_owned();
    let file = app
        .client
        .get(app.url(&format!("/console/case-reports/{link}")))
        .header("cookie", specialist.clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(file.status().as_u16(), 200);
    assert_eq!(
        file.bytes().await.expect("bytes").as_ref(),
        crate::reports::PDF
    );

    // The weekly reports: a supervisor's page and link; a specialist has neither.
    let weekly = |cookie: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/console/reports"))
                .header("cookie", cookie)
                .send()
                .await
                .expect("sent")
        }
    };
    let listed = weekly(supervisor.clone()).await;
    assert_eq!(listed.status().as_u16(), 200);
    assert!(listed.text().await.expect("HTML").contains("服务周报"));
    assert_eq!(weekly(specialist.clone()).await.status().as_u16(), 403);
    assert!(!page(specialist).await.contains("href=\"/console/reports\""));
}

on_both_backends!(reports_in_the_console);
