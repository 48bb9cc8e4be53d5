//! The shapes the mini-program and the console are built against, as insta snapshots (in
//! `tests/api/snapshots/`): a change of a field's name, type or presence shows as a diff to
//! review, not as a silent break. Generated ids are redacted, and so are instants read from the
//! running business clock (they carry its sub-second ticks); whole-second instants (opening
//! hours, appointments, dates) are part of the shape. Both backends give the same snapshot.

use serde_json::Value;

use crate::case_support::{
    app_at, approved, beijing_outpatient, created, get, id, insured, scheduled, staff,
};
use crate::doc_support::{consent, jpeg, uploaded};
use crate::helpers::Backend;
use crate::on_both_backends;
use crate::registry::PLAN1;

const MONDAY: &str = "2026-06-01T10:00:00+08:00";

/// Replaces every UUID (ids, and the ids inside addresses) with `[uuid]`, and every instant
/// read from the running clock with `[now]`.
fn redacted(value: &Value) -> Value {
    // One convention for every instant of every answer: Shanghai's time, to the second.
    if let Value::String(text) = value
        && chrono::DateTime::parse_from_rfc3339(text).is_ok()
    {
        assert!(
            text.len() == "2026-06-01T10:00:00+08:00".len() && text.ends_with("+08:00"),
            "an instant in +08:00 to the second: {text}"
        );
    }
    match value {
        Value::String(text) if is_clock_reading(text) => Value::String("[now]".to_owned()),
        Value::String(text) => Value::String(redact_signature(&redact_uuids(text))),
        Value::Array(items) => Value::Array(items.iter().map(redacted).collect()),
        // Signed addresses expire on the real clock, not the business one.
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| match k.as_str() {
                    "urls_expire_at" if v.is_string() => {
                        (k.clone(), Value::String("[expiry]".to_owned()))
                    }
                    _ => (k.clone(), redacted(v)),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A signed address's reader, expiry and signature change with every run.
fn redact_signature(text: &str) -> String {
    match text.split_once("?by=") {
        Some((path, _)) => format!("{path}?by=[reader]&exp=[expiry]&sig=[signature]"),
        None => text.to_owned(),
    }
}

/// An instant read from the running clock, or a whole number of days after one (a draft's
/// deadline): the clock runs on from Monday 10:00:00, so its readings fall in the first minute
/// past 10:00 (answers give instants to the second, so a fraction no longer tells them apart).
fn is_clock_reading(text: &str) -> bool {
    use chrono::Timelike;
    chrono::DateTime::parse_from_rfc3339(text).is_ok_and(|t| {
        let local = t.with_timezone(&chrono_tz::Asia::Shanghai);
        local.hour() == 10 && local.minute() == 0
    })
}

fn redact_uuids(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let candidate = rest.get(..36).filter(|c| uuid::Uuid::parse_str(c).is_ok());
        match candidate {
            Some(_) => {
                out.push_str("[uuid]");
                rest = &rest[36..];
            }
            None => {
                let next = rest.chars().next().expect("not empty");
                out.push(next);
                rest = &rest[next.len_utf8()..];
            }
        }
    }
    out
}

async fn the_case_views_keep_their_shape(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "shape", PLAN1, "2026-01-05", "11010519800101001").await;
    let specialist = staff(&app, "shape-specialist", "specialist", Some("yingshi")).await;

    let entitlements: Value = get(
        &app,
        &format!("/api/v1/policies/{policy}/entitlements"),
        Some(&user),
    )
    .await
    .json()
    .await
    .expect("JSON");
    insta::assert_json_snapshot!("entitlements", redacted(&entitlements));

    let draft = created(&app, &user, &beijing_outpatient(&policy)).await;
    insta::assert_json_snapshot!("case_draft", redacted(&draft));

    consent(&app, &user).await;
    let document = uploaded(
        &app,
        &user,
        &id(&draft),
        "outpatient_record",
        &jpeg(64, 48, 7),
    )
    .await;
    insta::assert_json_snapshot!("document", redacted(&document));

    let case = approved(&app, &user, &specialist, &draft).await;
    let case = scheduled(&app, &specialist, &case, "2026-06-10T01:30:00Z").await;
    insta::assert_json_snapshot!("console_case_scheduled", redacted(&case));

    let mine: Value = get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    insta::assert_json_snapshot!("case_scheduled", redacted(&mine));

    let queue: Value = get(&app, "/api/v1/staff/cases", Some(&specialist))
        .await
        .json()
        .await
        .expect("JSON");
    insta::assert_json_snapshot!("queue", redacted(&queue));
}

on_both_backends!(the_case_views_keep_their_shape);
