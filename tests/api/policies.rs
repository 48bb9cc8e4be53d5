//! Binding policies, relatives' invitations, entitlements over HTTP, the partner feed.

use figment::providers::Serialized;
use green_channel::cli::PartnerKeyAction;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, error_body, spawn_app_with};
use crate::on_both_backends;
use crate::registry::{NewPolicy, PLAN1, PLAN5, add_policy, resident_id};

async fn token(app: &TestApp, name: &str) -> String {
    app.login_ok(&format!("dev:{name}")).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

async fn bind(app: &TestApp, token: &str, name: &str, id: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/policies/bind",
        &json!({"name": name, "id_type": "resident_id", "id_number": id}),
        Some(token),
    )
    .await
}

async fn get(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent")
}

async fn binding_needs_the_right_name_and_never_says_which_part_was_wrong(backend: Backend) {
    let app = spawn_app_with(backend, |f| {
        f.merge(Serialized::default("clock.adjustable", true))
    })
    .await;
    let id = resident_id("11010519800101123");
    add_policy(
        &app,
        NewPolicy {
            policy_no: "P-1",
            product: PLAN1,
            name: "王小明",
            id_number: &id,
            effective: "2026-01-01",
            status: "in_force",
        },
    )
    .await;
    add_policy(
        &app,
        NewPolicy {
            policy_no: "P-2",
            product: PLAN5,
            name: "王小明",
            id_number: &id,
            effective: "2025-06-01",
            status: "in_force",
        },
    )
    .await;
    let user = token(&app, "binder").await;

    let wrong_name = bind(&app, &user, "王晓明", &id).await;
    let (status, code, details) = error_body(wrong_name).await;
    let unknown_id = bind(&app, &user, "王小明", &resident_id("11010519800101124")).await;
    let (status2, code2, details2) = error_body(unknown_id).await;
    assert_eq!((status, code.as_str()), (404, "policy_not_found"));
    assert_eq!(
        (status, &code, &details),
        (status2, &code2, &details2),
        "one answer for both"
    );

    // Full-width space and a lower-case x are the same person.
    let bound = bind(&app, &user, " 王\u{3000}小明 ", &id.to_lowercase()).await;
    assert_eq!(bound.status().as_u16(), 200);
    let body: Value = bound.json().await.expect("JSON");
    let policies = body["policies"].as_array().expect("policies");
    assert_eq!(policies.len(), 2);
    assert_eq!(
        policies[0]["id_number"],
        format!("{}********{}", &id[..6], &id[14..])
    );
    assert_eq!(policies[0]["insured_name"], "王**");
    assert!(!body.to_string().contains(&id));

    let me: Value = app.me(&user).await.json().await.expect("JSON");
    assert_eq!(me["policies_bound"], true);
    assert_eq!(me["policies"].as_array().expect("list").len(), 2);
    let login = app.login_ok("dev:binder").await;
    assert_eq!(login["user"]["policies_bound"], true);

    let (status, code, details) = error_body(bind(&app, &user, "王小明", "12345").await).await;
    assert_eq!((status, code.as_str()), (422, "invalid_identity"));
    assert_eq!(details["field"], "id_number");
}

async fn repeated_failures_lock_binding_per_user_and_per_id_number(backend: Backend) {
    let app = spawn_app_with(backend, |f| {
        f.merge(Serialized::default(
            "limits.bind_failures_per_user_per_day",
            3,
        ))
        .merge(Serialized::default(
            "limits.bind_failures_per_id_per_day",
            4,
        ))
    })
    .await;
    let id = resident_id("31010419900505321");
    add_policy(
        &app,
        NewPolicy {
            policy_no: "L-1",
            product: PLAN1,
            name: "李雷",
            id_number: &id,
            effective: "2026-01-01",
            status: "in_force",
        },
    )
    .await;
    let guesser = token(&app, "guesser").await;
    for name in ["韩梅梅", "李蕾", "李磊"] {
        let (status, _, _) = error_body(bind(&app, &guesser, name, &id).await).await;
        assert_eq!(status, 404);
    }
    // Locked: even the right answer is refused now, and says for how long.
    let locked = bind(&app, &guesser, "李雷", &id).await;
    assert!(locked.headers().contains_key("retry-after"));
    let (status, code, _) = error_body(locked).await;
    assert_eq!((status, code.as_str()), (429, "bind_locked"));
    // A second account guessing the same ID number adds up per ID number.
    let other = token(&app, "other-guesser").await;
    let (status, _, _) = error_body(bind(&app, &other, "韩梅梅", &id).await).await;
    assert_eq!(status, 404);
    let (status, code, _) = error_body(bind(&app, &other, "李雷", &id).await).await;
    assert_eq!((status, code.as_str()), (429, "bind_locked"));
    // The ID number itself stays locked for a day, whoever asks: that is what stops guessing
    // spread over many accounts (the insured can still call the hotline).
    let owner = token(&app, "owner").await;
    let (status, code, _) = error_body(bind(&app, &owner, "李雷", &id).await).await;
    assert_eq!((status, code.as_str()), (429, "bind_locked"));
}

async fn relatives_join_by_invitation_for_the_services_that_allow_them(backend: Backend) {
    let app = spawn_app_with(backend, |f| {
        f.merge(Serialized::default(
            "clock.now",
            "2026-06-15T10:00:00+08:00",
        ))
    })
    .await;
    let id = resident_id("44010619700303222");
    add_policy(
        &app,
        NewPolicy {
            policy_no: "M-1",
            product: PLAN5,
            name: "陈大文",
            id_number: &id,
            effective: "2025-01-01",
            status: "in_force",
        },
    )
    .await;
    add_policy(
        &app,
        NewPolicy {
            policy_no: "Y-1",
            product: PLAN1,
            name: "陈大文",
            id_number: &id,
            effective: "2025-01-01",
            status: "in_force",
        },
    )
    .await;
    let insured = token(&app, "insured").await;
    let bound: Value = bind(&app, &insured, "陈大文", &id)
        .await
        .json()
        .await
        .expect("JSON");
    let by_product = |code: &str| {
        bound["policies"]
            .as_array()
            .expect("list")
            .iter()
            .find(|p| p["product_code"] == code)
            .expect("policy")["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let (plan5, plan1) = (by_product(PLAN5), by_product(PLAN1));

    let refused = app
        .post_json(
            &format!("/api/v1/policies/{plan1}/invitations"),
            &json!({"relationship": "child"}),
            Some(&insured),
        )
        .await;
    let (status, code, _) = error_body(refused).await;
    assert_eq!((status, code.as_str()), (422, "relatives_not_allowed"));
    // Seed 004's "如：直系三代以内" is an example: a spouse and a sibling are relatives too.
    for relationship in ["spouse", "sibling"] {
        let invited = app
            .post_json(
                &format!("/api/v1/policies/{plan5}/invitations"),
                &json!({ "relationship": relationship }),
                Some(&insured),
            )
            .await;
        assert_eq!(invited.status().as_u16(), 201, "{relationship}");
    }

    let invited = app
        .post_json(
            &format!("/api/v1/policies/{plan5}/invitations"),
            &json!({"relationship": "child"}),
            Some(&insured),
        )
        .await;
    assert_eq!(invited.status().as_u16(), 201);
    let code = invited.json::<Value>().await.expect("JSON")["code"]
        .as_str()
        .expect("code")
        .to_owned();

    let child = token(&app, "child").await;
    let redeemed = app
        .post_json(
            "/api/v1/policies/invitations/redeem",
            &json!({"code": code.to_lowercase()}),
            Some(&child),
        )
        .await;
    assert_eq!(redeemed.status().as_u16(), 200);
    let policy: Value = redeemed.json().await.expect("JSON");
    assert_eq!(policy["relation"], "relative");

    let entitlements: Value = get(
        &app,
        &format!("/api/v1/policies/{plan5}/entitlements"),
        &child,
    )
    .await
    .json()
    .await
    .expect("JSON");
    let service = |id: &str| {
        entitlements["services"]
            .as_array()
            .expect("services")
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .expect("service")
    };
    assert_eq!(service("tele_doctor")["available"], true, "{entitlements}");
    assert_eq!(
        service("expert_outpatient")["reasons"][0]["code"],
        "not_insured_person"
    );

    // Once only; a relative cannot invite; another user sees neither policy.
    let again = token(&app, "second-child").await;
    let (status, code_, _) = error_body(
        app.post_json(
            "/api/v1/policies/invitations/redeem",
            &json!({"code": code}),
            Some(&again),
        )
        .await,
    )
    .await;
    assert_eq!((status, code_.as_str()), (404, "invitation_invalid"));
    let (status, code_, _) = error_body(
        app.post_json(
            &format!("/api/v1/policies/{plan5}/invitations"),
            &json!({"relationship": "child"}),
            Some(&child),
        )
        .await,
    )
    .await;
    assert_eq!((status, code_.as_str()), (403, "not_the_insured"));
    let (status, code_, _) = error_body(
        get(
            &app,
            &format!("/api/v1/policies/{plan1}/entitlements"),
            &again,
        )
        .await,
    )
    .await;
    assert_eq!((status, code_.as_str()), (404, "not_found"));
}

async fn entitlements_follow_the_business_clock(backend: Backend) {
    let app = spawn_app_with(backend, |f| {
        f.merge(Serialized::default("clock.adjustable", true))
            .merge(Serialized::default(
                "clock.now",
                "2026-03-31T12:00:00+08:00",
            ))
    })
    .await;
    let id = resident_id("11010519850707456");
    add_policy(
        &app,
        NewPolicy {
            policy_no: "W-1",
            product: PLAN1,
            name: "周杰",
            id_number: &id,
            effective: "2026-01-01",
            status: "in_force",
        },
    )
    .await;
    let user = token(&app, "waiting").await;
    let bound: Value = bind(&app, &user, "周杰", &id)
        .await
        .json()
        .await
        .expect("JSON");
    let policy = bound["policies"][0]["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/policies/{policy}/entitlements");

    // Day 90 (2026-03-31): still waiting. Seed 000 一、2(1): "等待期90天（含）后".
    let day90: Value = get(&app, &path, &user).await.json().await.expect("JSON");
    let outpatient = &day90["services"][0];
    assert_eq!(outpatient["available"], false);
    assert_eq!(outpatient["reasons"][0]["code"], "waiting_period");
    assert_eq!(outpatient["available_from"], "2026-04-01");
    assert_eq!(outpatient["window_last_day"], "2027-12-31");
    assert_eq!(outpatient["quota"]["left"], 1);
    assert_eq!(outpatient["hotline"], "400-606-5033");
    assert!(
        outpatient["prepare"]["confirmed"]["any_of"]
            .as_array()
            .expect("materials")
            .len()
            >= 5
    );
    // Next to each label, the category code the upload takes, in the same order.
    let confirmed = &outpatient["prepare"]["confirmed"];
    let codes = confirmed["any_of_codes"].as_array().expect("codes");
    assert_eq!(
        codes.len(),
        confirmed["any_of"].as_array().expect("labels").len()
    );
    assert!(
        codes.contains(&Value::from("pathology_report")),
        "{codes:?}"
    );
    assert!(
        outpatient["promises"]["sla"]
            .as_str()
            .expect("sla")
            .contains("5个工作日")
    );

    app.put_dev_clock(&json!({"now": "2026-04-01T09:00:00+08:00"}))
        .await;
    let day91: Value = get(&app, &path, &user).await.json().await.expect("JSON");
    assert_eq!(day91["services"][0]["available"], true, "{day91}");
    assert_eq!(day91["today"], "2026-04-01");
}

async fn partners_push_policies_with_their_own_key_only(backend: Backend) {
    let app = spawn_app_with(backend, |f| f).await;
    let mut out = Vec::new();
    green_channel::commands::partner_key(
        &app.db,
        &app.state.settings,
        PartnerKeyAction::Create {
            insurer: "starr".into(),
        },
        &mut out,
    )
    .await
    .expect("key created");
    let key = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .next()
        .expect("key")
        .to_owned();
    assert!(key.starts_with("gcpk_"));
    let put = |key: String, no: &'static str, body: Value| {
        let app = &app;
        async move {
            app.client
                .put(app.url(&format!("/api/v1/partner/policies/{no}")))
                .header("x-api-key", key)
                .json(&body)
                .send()
                .await
                .expect("sent")
        }
    };
    let id = resident_id("32010219750808111");
    let body = json!({
        "product_code": "starr-ci-care", "insured_name": "赵六", "id_type": "resident_id",
        "id_number": id, "phone": "13800001111", "effective_date": "2026-02-01"
    });
    let created = put(key.clone(), "STARR-1", body.clone()).await;
    assert_eq!(created.status().as_u16(), 201);
    let updated = put(key.clone(), "STARR-1", body.clone()).await;
    assert_eq!(updated.status().as_u16(), 200);
    assert_eq!(
        updated.json::<Value>().await.expect("JSON")["result"],
        "updated"
    );

    let mut other = body.clone();
    other["product_code"] = json!(PLAN1);
    let (status, code, _) = error_body(put(key.clone(), "STARR-2", other).await).await;
    assert_eq!((status, code.as_str()), (403, "partner_forbidden"));
    let mut bad = body.clone();
    bad["id_number"] = json!("110105194912310021");
    bad["effective_date"] = json!("2026/02/01");
    let (status, code, details) = error_body(put(key.clone(), "STARR-3", bad).await).await;
    assert_eq!((status, code.as_str()), (422, "invalid_policy"));
    let fields: Vec<&str> = details["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["id_number", "effective_date"]);
    assert!(
        !details.to_string().contains("110105194912310021"),
        "no value echoed"
    );

    let (status, code, _) =
        error_body(put("gcpk_nope_nope".into(), "STARR-1", body.clone()).await).await;
    assert_eq!((status, code.as_str()), (401, "partner_key_invalid"));
    let prefix = key.split('_').nth(1).expect("prefix").to_owned();
    let mut out = Vec::new();
    green_channel::commands::partner_key(
        &app.db,
        &app.state.settings,
        PartnerKeyAction::Revoke { prefix },
        &mut out,
    )
    .await
    .expect("revoked");
    let (status, code, _) = error_body(put(key, "STARR-1", body).await).await;
    assert_eq!((status, code.as_str()), (401, "partner_key_invalid"));
}

/// Issue 29 §1: a policy held by one account as its insured is bound by another only with the
/// policy's phone verified on it; the holder hears of every refused attempt, and operators list
/// and resolve the double bindings.
async fn one_policy_one_person(backend: Backend) {
    let app = spawn_app_with(backend, |f| f).await;
    let id = resident_id("11010519800101131");
    add_policy(
        &app,
        NewPolicy {
            policy_no: "P-0000HELD",
            product: PLAN1,
            name: "王小明",
            id_number: &id,
            effective: "2026-01-01",
            status: "in_force",
        },
    )
    .await;
    let holder = token(&app, "holder").await;
    assert_eq!(
        bind(&app, &holder, "王小明", &id).await.status().as_u16(),
        200
    );
    // Binding again from the same account is no news.
    assert_eq!(
        bind(&app, &holder, "王小明", &id).await.status().as_u16(),
        200
    );

    // Someone else who knows the name and the ID number: refused, and nothing bound.
    let stranger = token(&app, "stranger").await;
    let (status, code, details) = error_body(bind(&app, &stranger, "王小明", &id).await).await;
    assert_eq!((status, code.as_str()), (409, "policy_held_elsewhere"));
    assert_eq!(details["phone_verified"], false);
    let me: Value = app.me(&stranger).await.json().await.expect("JSON");
    assert_eq!(me["policies_bound"], false, "{me}");
    // A phone that is not the policy's does not help.
    assert_eq!(
        app.bind_phone(&stranger, "dev:13800001111")
            .await
            .status()
            .as_u16(),
        200
    );
    let (status, code, details) = error_body(bind(&app, &stranger, "王小明", &id).await).await;
    assert_eq!((status, code.as_str()), (409, "policy_held_elsewhere"));
    assert_eq!(details["phone_verified"], true);

    // The holder hears of each attempt, without who or with what.
    let inbox: Value = get(&app, "/api/v1/notifications", &holder)
        .await
        .json()
        .await
        .expect("JSON");
    let warnings: Vec<&Value> = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["kind"] == "binding_attempt")
        .collect();
    assert_eq!(warnings.len(), 2, "{inbox}");
    let body = warnings[0]["body"].as_str().expect("body");
    assert!(
        body.contains("尾号HELD") && body.contains("家属邀请"),
        "{body}"
    );
    assert!(
        !body.contains(&id) && !body.contains("王小明") && !body.contains("1380000"),
        "{body}"
    );

    // The insured on a second phone: the policy's own number verified there, then bound.
    let second = token(&app, "second-phone").await;
    assert_eq!(
        app.bind_phone(&second, "dev:13912345678")
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        bind(&app, &second, "王小明", &id).await.status().as_u16(),
        200
    );

    // The operators' list: the policy, its two accounts, whose phone is the policy's.
    let db = &app.db;
    let mut out = Vec::new();
    green_channel::commands::bindings(db, green_channel::cli::BindingAction::Doubles, &mut out)
        .await
        .expect("listed");
    let listed = String::from_utf8(out).expect("text");
    assert!(listed.starts_with("P-0000HELD\n"), "{listed}");
    assert_eq!(
        listed.matches("phone matches the policy").count(),
        1,
        "{listed}"
    );
    assert_eq!(
        listed.matches("phone not the policy's").count(),
        1,
        "{listed}"
    );
    assert!(
        listed.ends_with("1 policies bound to more than one account\n"),
        "{listed}"
    );
    let second_id: uuid::Uuid = app.me(&second).await.json::<Value>().await.expect("JSON")["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("uuid");
    let remove = green_channel::cli::BindingAction::Remove {
        policy_no: "P-0000HELD".to_owned(),
        user: second_id,
    };
    let mut out = Vec::new();
    green_channel::commands::bindings(db, remove, &mut out)
        .await
        .expect("removed");
    let mut out = Vec::new();
    green_channel::commands::bindings(db, green_channel::cli::BindingAction::Doubles, &mut out)
        .await
        .expect("listed");
    assert_eq!(
        String::from_utf8(out).expect("text"),
        "0 policies bound to more than one account\n"
    );
}

on_both_backends!(
    binding_needs_the_right_name_and_never_says_which_part_was_wrong,
    one_policy_one_person,
    repeated_failures_lock_binding_per_user_and_per_id_number,
    relatives_join_by_invitation_for_the_services_that_allow_them,
    entitlements_follow_the_business_clock,
    partners_push_policies_with_their_own_key_only,
);
