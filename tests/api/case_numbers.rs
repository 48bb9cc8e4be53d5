//! Case numbers: one per case, readable (`GC` + the Shanghai month + the row id), shown to the
//! insured and in the console, searchable in the queue — and never more than a search key: a
//! number finds a case only for whom it is already in scope.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::doc_support::complete_materials;
use crate::helpers::{Backend, error_body};
use crate::on_both_backends;
use crate::registry::PLAN1;

/// 1 November 2026, 00:30 in Shanghai: still October in UTC.
const EARLY_NOVEMBER: &str = "2026-11-01T00:30:00+08:00";

async fn cases_are_numbered_shown_and_found_only_in_scope(backend: Backend) {
    let app = app_at(backend, EARLY_NOVEMBER).await;
    let (user, policy) = insured(&app, "num", PLAN1, "2026-01-05", "11010519800101001").await;
    let (other, other_policy) =
        insured(&app, "num-2", PLAN1, "2026-01-05", "11010519800101002").await;
    let specialist = staff(&app, "num-specialist", "specialist", Some(PLAN1_INSURER)).await;
    let foreign = staff(&app, "num-foreign", "specialist", Some(PLAN3_INSURER)).await;
    let first = created(&app, &user, &beijing_outpatient(&policy)).await;
    let second = created(&app, &other, &beijing_outpatient(&other_policy)).await;
    let numbers: Vec<String> = [&first, &second]
        .iter()
        .map(|c| c["number"].as_str().expect("a number").to_owned())
        .collect();
    for number in &numbers {
        // The month is Shanghai's (November), not UTC's (October).
        assert!(number.starts_with("GC2611-"), "{number}");
        assert!(number.len() >= "GC2611-00001".len(), "{number}");
    }
    assert_ne!(numbers[0], numbers[1], "numbers are unique");
    // The insured sees it in the list and the case.
    let list: Value = get(&app, "/api/v1/cases", Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["items"][0]["number"], numbers[0].as_str(), "{list}");
    let mine: Value = get(&app, &format!("/api/v1/cases/{}", id(&first)), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(mine["number"], numbers[0].as_str());

    // Submitted, it is in the queue; the specialist finds it by its number as heard.
    complete_materials(&app, &user, &id(&first)).await;
    ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&first)),
        &user,
        &json!({}),
    )
    .await;
    let heard = numbers[0].to_lowercase().replace('-', " ");
    let found: Value = get(
        &app,
        &format!("/api/v1/staff/cases?number={}", heard.replace(' ', "%20")),
        Some(&specialist),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["number"], numbers[0].as_str());
    assert_eq!(found["items"][0]["id"], id(&first).as_str());
    // Another insurer's specialist: the number opens nothing.
    let elsewhere: Value = get(
        &app,
        &format!("/api/v1/staff/cases?number={}", numbers[0]),
        Some(&foreign),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(elsewhere["total"], 0, "{elsewhere}");
    // Not a number at all: said so.
    let (status, code, _) =
        error_body(get(&app, "/api/v1/staff/cases?number=hello", Some(&specialist)).await).await;
    assert_eq!((status, code.as_str()), (400, "case_number_invalid"));
    // Ended, the case leaves the open queue but is still found: by its number, and under
    // `phase=closed` / `all` (issue 28: every case can be found).
    cancel(&app, &user, &id(&first)).await;
    let total = |path: String| {
        let app = &app;
        let specialist = &specialist;
        async move {
            let page: Value = get(app, &path, Some(specialist))
                .await
                .json()
                .await
                .expect("JSON");
            page["total"].as_i64().expect("total")
        }
    };
    assert_eq!(total("/api/v1/staff/cases".to_owned()).await, 0);
    assert_eq!(
        total(format!("/api/v1/staff/cases?number={}", numbers[0])).await,
        1
    );
    assert_eq!(
        total("/api/v1/staff/cases?phase=closed".to_owned()).await,
        1
    );
    assert_eq!(total("/api/v1/staff/cases?phase=all".to_owned()).await, 1);
    // By the policy's number too, in any status (issue 28); never outside the scope.
    assert_eq!(
        total("/api/v1/staff/cases?policy_no=P-num".to_owned()).await,
        1
    );
    assert_eq!(
        total("/api/v1/staff/cases?policy_no=P-nobody".to_owned()).await,
        0
    );
    let elsewhere: Value = get(&app, "/api/v1/staff/cases?policy_no=P-num", Some(&foreign))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(elsewhere["total"], 0, "{elsewhere}");
    let (status, code, _) = error_body(
        get(
            &app,
            &format!("/api/v1/staff/cases?policy_no={}", "9".repeat(65)),
            Some(&specialist),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "policy_number_invalid"));
    // By the insured's name, in full as heard on the phone or masked as the queue shows it,
    // in any status (issue 28); never outside the scope. The other insured is renamed so the
    // two policies differ (both fixtures are 张三丰), and submits (a draft is in no queue).
    complete_materials(&app, &other, &id(&second)).await;
    ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&second)),
        &other,
        &json!({}),
    )
    .await;
    {
        use sea_orm::ConnectionTrait;
        app.db
            .execute_unprepared(
                "update policy set insured_name = '欧阳娜娜' where policy_no = 'P-num-2'",
            )
            .await
            .expect("rename");
    }
    let by_name = |name: &str| {
        format!(
            "/api/v1/staff/cases?name={}",
            url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
        )
    };
    assert_eq!(total(by_name("张三丰")).await, 1, "in full");
    assert_eq!(total(by_name(" 张** ")).await, 1, "masked");
    assert_eq!(total(by_name("欧***")).await, 1, "masked, submitted");
    assert_eq!(total(by_name("欧**")).await, 0, "one character short");
    assert_eq!(total(by_name("张*")).await, 0, "a two-character 张");
    assert_eq!(total(by_name("李四")).await, 0);
    let elsewhere: Value = get(&app, &by_name("张**"), Some(&foreign))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(elsewhere["total"], 0, "{elsewhere}");
    for bad in ["张*丰", "*丰", "100%"] {
        let (status, code, _) = error_body(get(&app, &by_name(bad), Some(&specialist)).await).await;
        assert_eq!(
            (status, code.as_str()),
            (400, "name_search_invalid"),
            "{bad}"
        );
    }
    // The message shows how to type it.
    let refused: Value = get(&app, &by_name("张*丰"), Some(&specialist))
        .await
        .json()
        .await
        .expect("JSON");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("张**")),
        "{refused}"
    );
    // The number is in the database, unique.
    assert_eq!(
        count(
            &app,
            "select count(distinct case_number) from service_case where case_number is not null"
        )
        .await,
        2
    );
}

on_both_backends!(cases_are_numbered_shown_and_found_only_in_scope);
