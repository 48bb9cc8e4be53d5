//! The OpenAPI document and the README against the code: every mounted route is documented with
//! its error codes, every documented code is one the areas' enums answer with, and every code
//! the enums answer with is documented somewhere (the codes are a public contract).

use std::collections::BTreeSet;

use green_channel::startup::contract::{EVERYWHERE, all_codes, codes_by_area};
use serde_json::Value;

use crate::backend_independent;
use crate::helpers::{Backend, spawn_app};

/// Every route the app mounts in the local profile (with the dev clock), by method and path.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/health/live"),
    ("get", "/health/ready"),
    ("get", "/metrics"),
    ("get", "/api/v1/notifications/templates"),
    ("post", "/api/v1/notifications/grants"),
    ("get", "/api/v1/wechat/push"),
    ("post", "/api/v1/wechat/push"),
    ("get", "/api/v1/staff/alerts"),
    ("get", "/api/v1/staff/objections"),
    ("post", "/api/v1/staff/cases/{id}/reports"),
    ("get", "/api/v1/cases/{id}/reports"),
    ("get", "/api/v1/reports/{id}"),
    ("get", "/api/v1/staff/reports"),
    ("get", "/api/v1/staff/reports/{id}"),
    ("post", "/api/v1/auth/wechat-login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/me"),
    ("delete", "/api/v1/me"),
    ("post", "/api/v1/me/phone"),
    ("get", "/api/v1/me/consents"),
    ("post", "/api/v1/me/consents"),
    ("post", "/api/v1/me/consents/{purpose}/withdraw"),
    ("post", "/api/v1/policies/bind"),
    ("get", "/api/v1/policies"),
    ("post", "/api/v1/policies/invitations/redeem"),
    ("post", "/api/v1/policies/{id}/invitations"),
    ("get", "/api/v1/policies/{id}/entitlements"),
    ("put", "/api/v1/partner/policies/{policy_no}"),
    ("get", "/api/v1/catalog/services"),
    ("get", "/api/v1/catalog/cities"),
    ("get", "/api/v1/catalog/hospitals"),
    ("get", "/api/v1/catalog/departments"),
    ("get", "/api/v1/catalog/illnesses"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("post", "/api/v1/cases/{id}/submit"),
    ("post", "/api/v1/cases/{id}/cancel"),
    ("post", "/api/v1/cases/{id}/offer"),
    ("post", "/api/v1/cases/{id}/change-request"),
    ("post", "/api/v1/cases/{id}/late"),
    ("post", "/api/v1/cases/{id}/objections"),
    ("get", "/api/v1/cases/{id}/forms/{index}"),
    ("post", "/api/v1/cases/{id}/courier"),
    ("post", "/api/v1/cases/{id}/documents"),
    ("get", "/api/v1/cases/{id}/documents"),
    ("delete", "/api/v1/cases/{id}/documents/{doc}"),
    ("get", "/api/v1/documents/{id}"),
    ("get", "/api/v1/documents/{id}/thumbnail"),
    ("post", "/api/v1/staff/documents/{id}/review"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/{id}/read"),
    ("post", "/api/v1/notifications/read-all"),
    ("post", "/api/v1/staff/auth/login"),
    ("post", "/api/v1/staff/auth/refresh"),
    ("post", "/api/v1/staff/auth/logout"),
    ("get", "/api/v1/staff/cases"),
    ("get", "/api/v1/staff/cases/{id}"),
    ("post", "/api/v1/staff/cases/{id}/{action}"),
    ("get", "/api/v1/dev/clock"),
    ("put", "/api/v1/dev/clock"),
];

/// Routes with no refusal of their own (public reference data and probes).
const NO_REFUSALS: &[&str] = &[
    "/health/live",
    "/metrics",
    "/api/v1/catalog/departments",
    "/api/v1/catalog/illnesses",
    "/api/v1/dev/clock",
];

fn document() -> Value {
    use figment::providers::Serialized;
    use green_channel::platform::config::{Profile, Settings};
    let figment =
        Settings::figment(Profile::Local).merge(Serialized::default("clock.adjustable", true));
    let settings = Settings::from_figment(Profile::Local, figment).expect("local settings");
    let api = green_channel::startup::openapi(&settings);
    serde_json::to_value(&api).expect("the document serialises")
}

/// The backticked words of a response description: `invalid_paging`, `token_*` …
fn codes_in(description: &str) -> Vec<String> {
    description
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '*')
        })
        .map(str::to_owned)
        .collect()
}

/// Every (method, path, status, code) the document names.
fn documented(doc: &Value) -> Vec<(String, String, String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses {
                let description = response["description"].as_str().unwrap_or_default();
                for code in codes_in(description) {
                    found.push((method.clone(), path.clone(), status.clone(), code));
                }
            }
        }
    }
    found
}

fn known(code: &str, all: &BTreeSet<&'static str>) -> bool {
    match code.strip_suffix('*') {
        Some(prefix) => all.iter().any(|c| c.starts_with(prefix)),
        None => all.contains(code),
    }
}

#[test]
fn every_mounted_route_is_documented_with_its_error_codes() {
    let doc = document();
    let mounted: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        mounted, expected,
        "the documented routes are the mounted ones"
    );
    let listed = documented(&doc);
    for (method, path) in &expected {
        if NO_REFUSALS.contains(&path.as_str()) {
            continue;
        }
        assert!(
            listed.iter().any(|(m, p, _, _)| m == method && p == path),
            "{method} {path} lists its error codes"
        );
    }
}

#[test]
fn every_documented_code_is_one_the_areas_answer_with() {
    let all = all_codes();
    let unknown: Vec<String> = documented(&document())
        .into_iter()
        .filter(|(_, _, _, code)| !known(code, &all))
        .map(|(method, path, status, code)| format!("{method} {path} {status} `{code}`"))
        .collect();
    assert!(
        unknown.is_empty(),
        "documented codes no area answers with: {unknown:#?}"
    );
}

#[test]
fn every_code_the_areas_answer_with_is_documented() {
    let listed: BTreeSet<String> = documented(&document())
        .into_iter()
        .map(|(_, _, _, code)| code)
        .collect();
    let missing: Vec<&str> = all_codes()
        .into_iter()
        .filter(|code| !EVERYWHERE.contains(code))
        .filter(|code| {
            !listed
                .iter()
                .any(|l| l == code || l.strip_suffix('*').is_some_and(|p| code.starts_with(p)))
        })
        .collect();
    assert!(missing.is_empty(), "undocumented codes: {missing:?}");
}

#[test]
fn the_readme_lists_exactly_the_codes_of_the_areas() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("the README");
    let start = readme
        .find("<!-- codes:start -->")
        .expect("a codes:start marker");
    let end = readme
        .find("<!-- codes:end -->")
        .expect("a codes:end marker");
    let listed: BTreeSet<String> = codes_in(&readme[start..end]).into_iter().collect();
    let all: BTreeSet<String> = all_codes().into_iter().map(str::to_owned).collect();
    let expected: String = codes_by_area()
        .into_iter()
        .map(|(area, codes)| {
            let codes: Vec<String> = codes.iter().map(|c| format!("`{c}`")).collect();
            format!("- {area}: {}\n", codes.join(", "))
        })
        .collect();
    assert_eq!(
        listed, all,
        "the README's list of codes is the areas' (expected block:\n{expected})"
    );
}

async fn the_served_document_is_valid_openapi(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = app.openapi().await;
    // Every reference resolves (a fuzzer or a client generator stops at the first that does not).
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let unresolved: Vec<&str> = text
        .split("\"#/components/schemas/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| !schemas.contains_key(*name))
        .collect();
    assert!(
        unresolved.is_empty(),
        "unresolved references: {unresolved:?}"
    );
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3."), "{version}");
    assert_eq!(doc["info"]["title"], "green-channel");
    // The error envelope is part of the contract.
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(
        error["required"],
        serde_json::json!(["code", "message", "details"])
    );
    // It round-trips the OpenAPI model, and serves the routes the code builds (the dev clock
    // only where it is switched on).
    let parsed: utoipa::openapi::OpenApi =
        serde_json::from_value(doc.clone()).expect("a valid OpenAPI document");
    let served: BTreeSet<&str> = parsed.paths.paths.keys().map(String::as_str).collect();
    let routes: BTreeSet<&str> = ROUTES.iter().map(|(_, p)| *p).collect();
    let without_dev: BTreeSet<&str> = routes
        .iter()
        .copied()
        .filter(|p| !p.starts_with("/api/v1/dev/"))
        .collect();
    assert!(served.is_subset(&routes), "{served:?}");
    assert!(without_dev.is_subset(&served), "{served:?}");
}

async fn the_docs_page_is_served_from_the_app(backend: Backend) {
    let app = spawn_app(backend).await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status().as_u16(), 308);
    assert_eq!(redirect.headers()["location"], "/docs/");
    let page = app.get("/docs/").await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("HTML");
    assert!(html.contains("swagger-ui"));
    // Vendored: no page of ours loads scripts from a CDN.
    assert!(!html.contains("cdn."), "no CDN in the docs page");
    let script = app
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .expect("JS");
    assert!(script.contains("/api-docs/openapi.json"));
}

backend_independent!(
    the_served_document_is_valid_openapi,
    the_docs_page_is_served_from_the_app,
);
