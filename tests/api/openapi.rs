use crate::helpers::{Backend, spawn_app};
use crate::on_both_backends;

async fn the_openapi_document_describes_every_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = app.openapi().await;
    let version = doc["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3."), "{version}");
    assert_eq!(doc["info"]["title"], "green-channel");
    for path in ["/health/live", "/health/ready", "/metrics"] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    // The error envelope is part of the contract.
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(
        error["required"],
        serde_json::json!(["code", "message", "details"])
    );
    // And the document round-trips through the OpenAPI model.
    let parsed: utoipa::openapi::OpenApi =
        serde_json::from_value(doc.clone()).expect("a valid OpenAPI document");
    assert_eq!(
        parsed.paths.paths.len(),
        doc["paths"].as_object().expect("paths").len()
    );
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

on_both_backends!(
    the_openapi_document_describes_every_route,
    the_docs_page_is_served_from_the_app,
);
