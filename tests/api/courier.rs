//! Documents by courier (issue 31 §3; seed 004 陪诊 「报告及医保卡等通过快递寄送」, seed 002
//! (一)2.9(4) 「…原件等通过快递或邮寄等方式…寄送至医疗服务专员处」): the insured gives an address
//! for documents to go back to, or asks how to send originals; the specialist records the
//! carrier and waybill, or the directions. The address is sealed at rest, in full only for the
//! specialist who holds the case (audited), masked elsewhere, and never in a message.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";
const STREET: &str = "上海市浦东新区世纪大道100号";

async fn ask(app: &TestApp, user: &str, case: &Value, body: Value) -> reqwest::Response {
    insured_step(app, user, case, "courier", body).await
}

async fn reply(app: &TestApp, staff: &str, case: &Value, body: Value) -> reqwest::Response {
    act(app, staff, case, "courier", body).await
}

async fn documents_go_back_by_courier_and_the_address_stays_private(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "cour-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let supervisor = staff(&app, "cour-supervisor", "supervisor", Some(PLAN3_INSURER)).await;
    let (user, policy) = insured(&app, "cour-a", PLAN3, "2026-01-05", "11010519800101090").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    let case = approved(&app, &user, &specialist, &case).await;

    let refusals = [
        (
            json!({"purpose": "return_documents"}),
            422,
            "courier_address_required",
        ),
        (
            json!({"purpose": "return_documents", "recipient": "王小明", "phone": "12345", "address": STREET}),
            422,
            "courier_address_invalid",
        ),
        (
            json!({"purpose": "send_originals", "recipient": "王小明", "phone": "13800001234", "address": STREET}),
            422,
            "courier_address_not_needed",
        ),
    ];
    for (body, status, expected) in refusals {
        let (got, code, _) = error_body(ask(&app, &user, &case, body.clone()).await).await;
        assert_eq!((got, code.as_str()), (status, expected), "{body}");
    }
    let asked = json_of(
        ask(
            &app,
            &user,
            &case,
            json!({"purpose": "return_documents", "recipient": "王小明", "phone": "13800001234",
                   "address": STREET, "note": "医保卡和病历原件"}),
        )
        .await,
    )
    .await;
    let mine = &asked["couriers"][0];
    assert_eq!(
        mine["address"], "王** 138****1234 上海市浦东新****",
        "{asked}"
    );
    assert_eq!(mine["address_in_full"], false);
    assert_eq!(mine["status_text"], "待处理");
    let (status, code, _) =
        error_body(ask(&app, &user, &asked, json!({"purpose": "send_originals"})).await).await;
    assert_eq!((status, code.as_str()), (409, "courier_pending"));

    // The holder sees it in full (audited); the supervisor masked; nothing readable at rest.
    let held = json_of(
        get(
            &app,
            &format!("/api/v1/staff/cases/{}", id(&case)),
            Some(&specialist),
        )
        .await,
    )
    .await;
    assert_eq!(
        held["couriers"][0]["address"],
        format!("王小明 13800001234 {STREET}"),
        "{held}"
    );
    assert_eq!(held["couriers"][0]["address_in_full"], true);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'courier_address_read'"
        )
        .await,
        1
    );
    let overseen = json_of(
        get(
            &app,
            &format!("/api/v1/staff/cases/{}", id(&case)),
            Some(&supervisor),
        )
        .await,
    )
    .await;
    assert_eq!(overseen["couriers"][0]["address_in_full"], false);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM case_courier WHERE address_masked LIKE '%世纪大道%'"
        )
        .await,
        0
    );

    // The answer: the carrier and the waybill, in the message centre; never the address.
    let request = asked["couriers"][0]["id"].as_str().expect("id").to_owned();
    let (status, code, _) = error_body(
        reply(
            &app,
            &specialist,
            &held,
            json!({"request_id": request, "carrier": "顺丰速运", "waybill": " "}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "courier_reply_invalid"));
    let (status, code, _) = error_body(
        reply(
            &app,
            &specialist,
            &held,
            json!({"request_id": request, "directions": "寄到门诊楼"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (422, "courier_reply_invalid"),
        "directions do not ship"
    );
    let shipped = json_of(
        reply(
            &app,
            &specialist,
            &held,
            json!({"request_id": request, "carrier": "顺丰速运", "waybill": "SF1234567890"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        shipped["couriers"][0]["waybill"], "SF1234567890",
        "{shipped}"
    );
    let (status, code, _) = error_body(
        reply(
            &app,
            &specialist,
            &shipped,
            json!({"request_id": request, "carrier": "顺丰速运", "waybill": "SF1"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "courier_answered"));
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    assert_eq!(inbox["items"][0]["kind"], "courier_answered", "{inbox}");
    let body = inbox["items"][0]["body"].as_str().expect("body");
    assert!(
        body.contains("SF1234567890") && !body.contains("世纪大道"),
        "{body}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM notification WHERE payload LIKE '%世纪大道%'"
        )
        .await,
        0
    );

    // How to send originals: answered with directions.
    let mine = json_of(get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user)).await).await;
    let asked = json_of(ask(&app, &user, &mine, json!({"purpose": "send_originals"})).await).await;
    let request = asked["couriers"][1]["id"].as_str().expect("id").to_owned();
    let directions = "请寄至上海市静安区某路1号医疗服务部，收件人李专员";
    json_of(
        reply(
            &app,
            &specialist,
            &asked,
            json!({"request_id": request, "directions": directions}),
        )
        .await,
    )
    .await;
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    assert!(
        inbox["items"][0]["body"]
            .as_str()
            .expect("body")
            .contains(directions),
        "{inbox}"
    );
}

on_both_backends!(documents_go_back_by_courier_and_the_address_stays_private);
