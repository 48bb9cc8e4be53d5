//! Photos the mini-program can show: the document list carries short-lived signed addresses that
//! an `<image src>` loads without an `Authorization` header; altered, expired, moved to another
//! document or rendition, they are 403; a staff member's signed read is audited like any other.

use serde_json::Value;

use crate::case_support::*;
use crate::doc_support::{complete_materials, consent, jpeg, upload};
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;

async fn list(app: &TestApp, token: &str, case: &str) -> Value {
    get(app, &format!("/api/v1/cases/{case}/documents"), Some(token))
        .await
        .json()
        .await
        .expect("JSON")
}

async fn anonymous(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.expect("sent")
}

async fn signed_addresses_open_one_image_for_a_while(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let (user, policy) = insured(&app, "signed", PLAN3, "2026-01-05", "11010519800101008").await;
    let specialist = staff(&app, "signed-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    consent(&app, &user).await;
    let photo = jpeg(48, 32, 99);
    assert_eq!(
        upload(&app, &user, &id(&case), "outpatient_record", &photo)
            .await
            .status()
            .as_u16(),
        201
    );
    complete_materials(&app, &user, &id(&case)).await;
    let documents = list(&app, &user, &id(&case)).await;
    let first = &documents["items"][0];
    let url = first["url"].as_str().expect("url").to_owned();
    let thumbnail = first["thumbnail_url"]
        .as_str()
        .expect("thumbnail")
        .to_owned();
    assert!(url.contains("sig=") && url.contains("exp="), "{url}");
    assert!(first["urls_expire_at"].is_string());

    // An <image src>: no Authorization header.
    let image = anonymous(&app, &url).await;
    assert_eq!(image.status().as_u16(), 200);
    let cache = image.headers()["cache-control"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(cache.starts_with("private, max-age="), "{cache}");
    assert!(!image.bytes().await.expect("bytes").is_empty());
    assert_eq!(anonymous(&app, &thumbnail).await.status().as_u16(), 200);

    // Altered, moved to the other rendition or another document: refused.
    let altered = format!("{}0", url.trim_end_matches(|c: char| c.is_ascii_hexdigit()));
    let (status, code, _) = error_body(anonymous(&app, &altered).await).await;
    assert_eq!((status, code.as_str()), (403, "url_signature_invalid"));
    let query = url.split_once('?').expect("a query").1;
    let document = first["id"].as_str().expect("id");
    let (status, code, _) = error_body(
        anonymous(
            &app,
            &format!("/api/v1/documents/{document}/thumbnail?{query}"),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (403, "url_signature_invalid"));
    let other = documents["items"][1]["id"].as_str().expect("another");
    let (status, code, _) =
        error_body(anonymous(&app, &format!("/api/v1/documents/{other}?{query}")).await).await;
    assert_eq!((status, code.as_str()), (403, "url_signature_invalid"));
    // Without a signature, the header is needed as before.
    let (status, code, _) =
        error_body(anonymous(&app, &format!("/api/v1/documents/{document}")).await).await;
    assert_eq!((status, code.as_str()), (401, "token_missing"));

    // Expired: an address signed for a moment that has passed.
    let public: uuid::Uuid = document.parse().expect("uuid");
    let (user_id, _) = crate::notify_support::user_of(&app, &user).await;
    let expired = green_channel::documents::signed::path(
        &app.state,
        public,
        green_channel::documents::view::Rendition::Image,
        green_channel::documents::signed::signing(
            &app.state,
            green_channel::documents::signed::Signer::User(user_id),
        )
        .await
        .expect("signing"),
        chrono::Utc::now() - chrono::TimeDelta::seconds(1),
    );
    let (status, code, _) = error_body(anonymous(&app, &expired).await).await;
    assert_eq!((status, code.as_str()), (403, "url_expired"));

    // A specialist's signed read is audited.
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&case)),
        &user,
        &serde_json::json!({}),
    )
    .await;
    let _ = submitted;
    let staff_list = list(&app, &specialist, &id(&case)).await;
    let staff_url = staff_list["items"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let before = count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'document_read'",
    )
    .await;
    assert_eq!(anonymous(&app, &staff_url).await.status().as_u16(), 200);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'document_read'"
        )
        .await,
        before + 1
    );
    // The insured's address opens nothing for anyone else: it names its reader.
    assert_ne!(staff_url, url);

    // Issue 29 §4: an address stops working when its reader logs out; a fresh list signs anew.
    assert_eq!(anonymous(&app, &url).await.status().as_u16(), 200);
    let logout = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&user)
        .send()
        .await
        .expect("sent");
    assert!(logout.status().is_success(), "{}", logout.status());
    let (status, code, _) = error_body(anonymous(&app, &url).await).await;
    assert_eq!((status, code.as_str()), (403, "url_signature_invalid"));
    let again = app.login_ok("dev:signed").await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let fresh = list(&app, &again, &id(&case)).await["items"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert_eq!(anonymous(&app, &fresh).await.status().as_u16(), 200);
    // The specialist's, too, once they sign out of the API.
    let out = app
        .client
        .post(app.url("/api/v1/staff/auth/logout"))
        .bearer_auth(&specialist)
        .send()
        .await
        .expect("sent");
    assert_eq!(out.status().as_u16(), 204);
    let (status, code, _) = error_body(anonymous(&app, &staff_url).await).await;
    assert_eq!((status, code.as_str()), (403, "url_signature_invalid"));
}

on_both_backends!(signed_addresses_open_one_image_for_a_while);
