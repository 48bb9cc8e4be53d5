//! Who may call which case endpoint: the owner, another insured user, an anonymous caller, a
//! specialist of another insurer, an insurer viewer, a colleague who does not own the case, the
//! assigned specialist and a supervisor. Refused calls change nothing.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::doc_support::complete_materials;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

struct Callers {
    owner: String,
    other: String,
    foreign: String,
    viewer: String,
    colleague: String,
    specialist: String,
    supervisor: String,
}

async fn status(app: &TestApp, method: &str, path: &str, token: Option<&str>, body: &Value) -> u16 {
    let mut request = match method {
        "GET" => app.client.get(app.url(path)),
        _ => app.client.post(app.url(path)).json(body),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("sent").status().as_u16()
}

async fn case_version(app: &TestApp, case: &str) -> i32 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let public_id: uuid::Uuid = case.parse().expect("a uuid");
    entity::service_case::Entity::find()
        .filter(entity::service_case::Column::PublicId.eq(public_id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the case")
        .version
}

/// Every refused caller gets its status and the case stays as it was.
async fn refused_all(
    app: &TestApp,
    case: &str,
    method: &str,
    path: &str,
    body: &Value,
    rows: &[(&str, Option<&str>, u16)],
) {
    let before = case_version(app, case).await;
    for (who, token, expected) in rows {
        assert_eq!(
            status(app, method, path, *token, body).await,
            *expected,
            "{method} {path} as {who}"
        );
    }
    assert_eq!(
        case_version(app, case).await,
        before,
        "{method} {path}: refused calls changed the case"
    );
}

async fn every_endpoint_answers_only_the_callers_it_should(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let (owner, policy) =
        insured(&app, "acl-owner", PLAN3, "2026-01-05", "11010519800101030").await;
    let (other, _) = insured(&app, "acl-other", PLAN3, "2026-01-05", "11010519800101031").await;
    let c = Callers {
        owner,
        other,
        foreign: staff(&app, "acl-foreign", "specialist", Some(PLAN1_INSURER)).await,
        viewer: staff(&app, "acl-viewer", "insurer_viewer", Some(PLAN3_INSURER)).await,
        colleague: staff(&app, "acl-colleague", "specialist", Some(PLAN3_INSURER)).await,
        specialist: staff(&app, "acl-specialist", "specialist", Some(PLAN3_INSURER)).await,
        supervisor: staff(&app, "acl-supervisor", "supervisor", Some(PLAN3_INSURER)).await,
    };
    let case = created(&app, &c.owner, &json!({"policy_id": policy, "service": "expert_outpatient",
                                               "diagnosis_state": "suspected", "illness_id": "CI-01",
                                               "description": "体检发现肺部结节"})).await;
    let id = id(&case);
    let empty = json!({});
    let app = &app;

    // The insured side: the owner only; console tokens are not mini-program tokens.
    let insured_refusals = [
        ("another insured user", Some(c.other.as_str()), 404),
        ("anonymous", None, 401),
        (
            "a specialist of another insurer",
            Some(c.foreign.as_str()),
            401,
        ),
        ("an insurer viewer", Some(c.viewer.as_str()), 401),
        ("the assigned specialist", Some(c.specialist.as_str()), 401),
    ];
    for (method, path) in [
        ("GET", format!("/api/v1/cases/{id}")),
        ("POST", format!("/api/v1/cases/{id}/submit")),
        ("POST", format!("/api/v1/cases/{id}/cancel")),
    ] {
        refused_all(app, &id, method, &path, &empty, &insured_refusals).await;
    }
    assert_eq!(
        status(
            app,
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&c.owner),
            &empty
        )
        .await,
        200
    );
    let mine: Value = get(app, "/api/v1/cases", Some(&c.owner))
        .await
        .json()
        .await
        .expect("JSON");
    let theirs: Value = get(app, "/api/v1/cases", Some(&c.other))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (mine["total"].as_u64(), theirs["total"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(status(app, "GET", "/api/v1/cases", None, &empty).await, 401);
    assert_eq!(
        status(app, "GET", "/api/v1/cases", Some(&c.viewer), &empty).await,
        401
    );
    complete_materials(app, &c.owner, &id).await;
    let submitted = ok(app, &format!("/api/v1/cases/{id}/submit"), &c.owner, &empty).await;

    // The console: mini-program tokens never open it; scope hides other insurers' cases.
    let queue = |token: &str| {
        let token = token.to_owned();
        async move {
            let page: Value = get(app, "/api/v1/staff/cases", Some(&token))
                .await
                .json()
                .await
                .expect("JSON");
            page["total"].as_u64().expect("total")
        }
    };
    assert_eq!(
        status(app, "GET", "/api/v1/staff/cases", Some(&c.owner), &empty).await,
        401
    );
    assert_eq!(
        status(app, "GET", "/api/v1/staff/cases", None, &empty).await,
        401
    );
    assert_eq!(queue(&c.foreign).await, 0);
    assert_eq!(queue(&c.viewer).await, 1);
    assert_eq!(queue(&c.specialist).await, 1);
    let detail = format!("/api/v1/staff/cases/{id}");
    refused_all(
        app,
        &id,
        "GET",
        &detail,
        &empty,
        &[
            ("the owner", Some(&c.owner), 401),
            ("another insured user", Some(&c.other), 401),
            ("anonymous", None, 401),
            ("a specialist of another insurer", Some(&c.foreign), 404),
        ],
    )
    .await;
    let viewed: Value = get(app, &detail, Some(&c.viewer))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(viewed["status"], "submitted");
    for private in [
        "description",
        "illness",
        "insured_name",
        "timeline",
        "hospital",
    ] {
        assert!(
            viewed.get(private).is_none(),
            "an insurer viewer does not see {private}: {viewed}"
        );
    }
    let full: Value = get(app, &detail, Some(&c.specialist))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(full["insured_name"], "张三丰");
    assert_eq!(full["description"], "体检发现肺部结节");

    // Changes: never the insured, never anonymous, never out of scope, never a viewer.
    let staff_refusals = |extra: Option<(&'static str, &str, u16)>| {
        let mut rows: Vec<(&str, Option<String>, u16)> = vec![
            ("the owner", Some(c.owner.clone()), 401),
            ("anonymous", None, 401),
            (
                "a specialist of another insurer",
                Some(c.foreign.clone()),
                404,
            ),
            ("an insurer viewer", Some(c.viewer.clone()), 403),
        ];
        if let Some((who, token, status)) = extra {
            rows.push((who, Some(token.to_owned()), status));
        }
        rows
    };
    let check = |action: &'static str, body: Value, extra: Option<(&'static str, &str, u16)>| {
        let rows = staff_refusals(extra);
        let path = format!("/api/v1/staff/cases/{id}/{action}");
        let id = id.clone();
        async move {
            let rows: Vec<_> = rows
                .iter()
                .map(|(w, t, s)| (*w, t.as_deref(), *s))
                .collect();
            refused_all(app, &id, "POST", &path, &body, &rows).await;
        }
    };
    let v = version(&submitted);
    check("claim", json!({"version": v}), None).await;
    let claimed = ok(
        app,
        &format!("/api/v1/staff/cases/{id}/claim"),
        &c.specialist,
        &json!({"version": v}),
    )
    .await;
    let v = version(&claimed);
    // Once claimed, a colleague may not take it or act on it.
    assert_eq!(
        status(
            app,
            "POST",
            &format!("/api/v1/staff/cases/{id}/claim"),
            Some(&c.colleague),
            &json!({"version": v})
        )
        .await,
        409
    );
    let bodies = [
        ("contact", json!({"version": v})),
        (
            "request-materials",
            json!({"version": v, "categories": ["ct"], "message": "请补充CT"}),
        ),
        ("approve", json!({"version": v})),
        (
            "reject",
            json!({"version": v, "reason": "not_a_covered_illness"}),
        ),
        (
            "schedule",
            json!({"version": v, "at": "2026-11-30T09:00:00+08:00", "hospital": "某医院",
                            "department": "某科", "meeting_point": "大厅"}),
        ),
        ("start", json!({"version": v})),
        ("complete", json!({"version": v})),
        ("no-show", json!({"version": v})),
        (
            "terminate",
            json!({"version": v, "reason": "customer_reasons"}),
        ),
        ("cancel", json!({"version": v})),
    ];
    for (action, body) in bodies {
        check(
            action,
            body,
            Some(("a colleague who does not own it", &c.colleague, 403)),
        )
        .await;
    }
    check(
        "reassign",
        json!({"version": v, "assignee": "acl-colleague"}),
        Some(("a specialist (not a supervisor)", &c.specialist, 403)),
    )
    .await;
    let reassigned = ok(
        app,
        &format!("/api/v1/staff/cases/{id}/reassign"),
        &c.supervisor,
        &json!({"version": v, "assignee": "acl-colleague"}),
    )
    .await;
    assert_eq!(reassigned["assignee"], "acl-colleague");
    // Now the colleague owns it and the first specialist may not act.
    let v = version(&reassigned);
    assert_eq!(
        status(
            app,
            "POST",
            &format!("/api/v1/staff/cases/{id}/approve"),
            Some(&c.specialist),
            &json!({"version": v})
        )
        .await,
        403
    );
    ok(
        app,
        &format!("/api/v1/staff/cases/{id}/approve"),
        &c.colleague,
        &json!({"version": v}),
    )
    .await;
    // The insured may still cancel their own case; nobody else through the insured endpoint.
    let cancelled = ok(app, &format!("/api/v1/cases/{id}/cancel"), &c.owner, &empty).await;
    assert_eq!(cancelled["status"], "cancelled");
}

on_both_backends!(every_endpoint_answers_only_the_callers_it_should);
