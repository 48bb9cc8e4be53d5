//! No 500 on any input: every text field a request body can carry has a `maxLength` in the
//! OpenAPI document, and one character more is refused with a 422 naming the field, before the
//! database sees it. Walked from the document itself, on PostgreSQL (where an over-long value
//! would otherwise reach a column that refuses it).

use serde_json::{Map, Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, TestApp};
use crate::registry::PLAN5;

/// The staff action each variant of the action body goes with.
const ACTION_BODIES: &[(&str, &str)] = &[
    ("ChangeBody", "claim"),
    ("MaterialsBody", "request-materials"),
    ("RejectBody", "reject"),
    ("ScheduleBody", "schedule"),
    ("TerminateBody", "terminate"),
    ("ReassignBody", "reassign"),
];

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.rsplit('/').next().expect("a name");
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn is_string(schema: &Value) -> bool {
    match &schema["type"] {
        Value::String(t) => t == "string",
        Value::Array(types) => types.iter().any(|t| t == "string"),
        _ => false,
    }
}

/// A value the schema accepts, as small as can be.
fn sample(doc: &Value, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    if let Some(one) = schema["oneOf"].as_array().and_then(|o| o.first()) {
        return sample(doc, one);
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_owned(),
        _ => "object".to_owned(),
    };
    match kind.as_str() {
        "string" => match schema["format"].as_str() {
            Some("date-time") => json!("2030-01-01T02:00:00Z"),
            Some("date") => json!("2030-01-01"),
            Some("uuid") => json!(uuid::Uuid::new_v4()),
            _ => json!("x"),
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        "object" => {
            let mut body = Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().expect("a name");
                body.insert(name.to_owned(), sample(doc, &schema["properties"][name]));
            }
            Value::Object(body)
        }
        _ => Value::Null,
    }
}

struct Caller {
    user: String,
    staff: String,
    partner_key: String,
}

async fn send(
    app: &TestApp,
    caller: &Caller,
    method: &str,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let mut request = match method {
        "post" => app.client.post(app.url(path)),
        "put" => app.client.put(app.url(path)),
        other => panic!("a body on {other}"),
    };
    if path.starts_with("/api/v1/partner/") {
        request = request.header("x-api-key", &caller.partner_key);
    } else if path.starts_with("/api/v1/staff/") && !path.starts_with("/api/v1/staff/auth/") {
        request = request.bearer_auth(&caller.staff);
    } else if !path.starts_with("/api/v1/auth/") && !path.starts_with("/api/v1/dev/") {
        request = request.bearer_auth(&caller.user);
    }
    let response = request
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .json(body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn concrete(path: &str, action: Option<&str>) -> String {
    path.replace("{id}", &uuid::Uuid::new_v4().to_string())
        .replace("{policy_no}", "P-WALK")
        .replace("{purpose}", "medical_records")
        .replace("{action}", action.unwrap_or("claim"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_text_field_has_a_maximum_length_that_is_enforced() {
    let app = app_at(Backend::Postgres, "2026-11-23T10:00:00+08:00").await;
    let (user, _) = insured(&app, "lengths", PLAN5, "2026-01-05", "11010519800101008").await;
    let staff = staff(&app, "lengths-admin", "admin", None).await;
    let mut out = Vec::new();
    green_channel::commands::partner_key(
        &app.db,
        &app.state.settings,
        green_channel::cli::PartnerKeyAction::Create {
            insurer: "starr".into(),
        },
        &mut out,
    )
    .await
    .expect("a key");
    let partner_key = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .next()
        .expect("key")
        .to_owned();
    let caller = Caller {
        user,
        staff,
        partner_key,
    };
    let doc = app.openapi().await;
    let mut walked = 0;
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("operations") {
            let Some(schema) =
                operation["requestBody"]["content"]["application/json"].get("schema")
            else {
                continue;
            };
            let schema = resolve(&doc, schema);
            // The staff actions' body is one of several; each goes with its action.
            let variants: Vec<(Option<&str>, &Value)> = match schema["oneOf"].as_array() {
                Some(one_of) => one_of
                    .iter()
                    .map(|variant| {
                        let name = variant["$ref"]
                            .as_str()
                            .and_then(|r| r.rsplit('/').next())
                            .unwrap_or_default();
                        let action = ACTION_BODIES
                            .iter()
                            .find(|(body, _)| *body == name)
                            .map(|(_, action)| *action);
                        (action, resolve(&doc, variant))
                    })
                    .collect(),
                None => vec![(None, schema)],
            };
            for (action, schema) in variants {
                for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                    let property = resolve(&doc, property);
                    if !is_string(property) || property.get("enum").is_some() {
                        continue;
                    }
                    if property["format"].is_string() {
                        continue; // dates, times, ids: parsed, never stored as text
                    }
                    let Some(max) = property["maxLength"].as_u64() else {
                        problems.push(format!("{method} {path} {name}: no maxLength"));
                        continue;
                    };
                    let mut body = sample(
                        &doc,
                        &Value::Object(schema.as_object().expect("an object").clone()),
                    );
                    body[name.as_str()] = json!("长".repeat(max as usize + 1));
                    let concrete = concrete(path, action);
                    let (status, answer) = send(&app, &caller, method, &concrete, &body).await;
                    walked += 1;
                    let code = answer["code"].as_str().unwrap_or_default();
                    let names_it = (code == "field_too_long"
                        && answer["details"]["field"] == name.as_str())
                        || code == format!("{name}_too_long")
                        || (code == "appointment_field_too_long" && action == Some("schedule"))
                        || (code == "invalid_body"
                            && answer["details"]["reason"]
                                .as_str()
                                .is_some_and(|r| r.starts_with(&format!("{name} "))));
                    let refused = status == 422;
                    if !(refused && names_it) {
                        problems.push(format!(
                            "{method} {concrete} {name} ({} chars): {status} {answer}",
                            max + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(walked >= 30, "walked {walked} fields");
}
