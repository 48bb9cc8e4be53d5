//! The insured's case page is read in one statement (issue 16), or from its guarded copy in the
//! cache; the specialists' view still reads the case, its policy and its timeline one by one.
//! Both must show the same case, and every change must show in the very next page.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::case_support::*;
use crate::helpers::{Backend, error_body};
use crate::registry::PLAN1;

async fn the_page_read_in_one_statement_is_the_case_the_staff_see(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let (user, policy) = insured(&app, "page", PLAN1, "2026-01-05", "11010519800101001").await;
    let specialist = staff(&app, "page-specialist", "specialist", Some(PLAN1_INSURER)).await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    let path = format!("/api/v1/cases/{}", id(&case));
    let staff_path = format!("/api/v1/staff/cases/{}", id(&case));

    let page = json_of(get(&app, &path, Some(&user)).await).await;
    assert_eq!(page, case, "the page is what the creation answered");
    let approved = approved(&app, &user, &specialist, &case).await;
    let scheduled = scheduled(&app, &specialist, &approved, "2026-11-30T09:00:00+08:00").await;

    let page = json_of(get(&app, &path, Some(&user)).await).await;
    let staff_view = json_of(get(&app, &staff_path, Some(&specialist)).await).await;
    // The staff view is the case's view with the console's own fields beside it.
    for (field, value) in page.as_object().expect("an object") {
        assert_eq!(&staff_view[field], value, "{field}");
    }
    assert_eq!(page["version"], scheduled["version"]);
    let actions: Vec<&str> = page["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions.first(), Some(&"created"), "{actions:?}");
    assert_eq!(actions.last(), Some(&"scheduled"), "{actions:?}");
    assert_eq!(page["policy_id"], json!(policy));

    // Another user's case is as absent as a missing one.
    let (other, _) = insured(&app, "page-other", PLAN1, "2026-01-05", "11010519800101002").await;
    let (status, code, _) = error_body(get(&app, &path, Some(&other)).await).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    let missing = format!("/api/v1/cases/{}", uuid::Uuid::new_v4());
    let (status, code, _) = error_body(get(&app, &missing, Some(&user)).await).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
}

crate::on_both_backends!(the_page_read_in_one_statement_is_the_case_the_staff_see);

/// The page from the cache: a write behind the service's back proves a hit on Redis (the embedded
/// profile reads the database every time); a change through the service shows at once; the copy
/// is sealed; another user, a missing token or a bad id are refused as before.
async fn the_page_is_cached_and_every_change_shows_at_once(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let shared = app.cache.shared();
    let (user, policy) = insured(&app, "cached", PLAN1, "2026-01-05", "11010519800101003").await;
    let specialist = staff(&app, "cached-specialist", "specialist", Some(PLAN1_INSURER)).await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    let path = format!("/api/v1/cases/{}", id(&case));
    let first = json_of(get(&app, &path, Some(&user)).await).await;
    assert_eq!(first, case);

    let sql = format!(
        "UPDATE service_case SET description = '背后改写的病情描述' WHERE case_number = '{}'",
        case["number"].as_str().expect("number")
    );
    let updated = app
        .db
        .execute_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .expect("updated");
    assert_eq!(updated.rows_affected(), 1);
    let second = json_of(get(&app, &path, Some(&user)).await).await;
    if shared {
        assert_eq!(second, first, "served from the cache");
        let sealed = app
            .cache
            .get(&format!("case:{}:copy", id(&case)))
            .await
            .expect("read")
            .expect("the copy");
        // A plain copy would carry the case's and the policy's ids as they are.
        for plain in [
            id(&case),
            first["policy_id"].as_str().expect("id").to_owned(),
        ] {
            let plain = plain.as_bytes();
            assert!(
                !sealed.windows(plain.len()).any(|w| w == plain),
                "the copy is sealed"
            );
        }
    } else {
        assert_eq!(second["description"], "背后改写的病情描述");
    }

    // A change through the service (materials, submission, approval): the next page shows it, and
    // what was written behind the back with it (the page is read again).
    let approved = approved(&app, &user, &specialist, &case).await;
    let third = json_of(get(&app, &path, Some(&user)).await).await;
    assert_eq!(third["status"], approved["status"]);
    assert_eq!(third["version"], approved["version"]);
    assert_eq!(third["description"], "背后改写的病情描述");
    assert_eq!(json_of(get(&app, &path, Some(&user)).await).await, third);

    // Another user, with the case's copy in the cache: as absent as a missing case.
    let (other, _) = insured(
        &app,
        "cached-other",
        PLAN1,
        "2026-01-05",
        "11010519800101004",
    )
    .await;
    let (status, code, _) = error_body(get(&app, &path, Some(&other)).await).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    // Who is asking comes first: a bad id is a 401 without a token, a 400 with one.
    let bad = "/api/v1/cases/not-a-case";
    let (status, code, _) = error_body(get(&app, bad, None).await).await;
    assert_eq!((status, code.as_str()), (401, "token_missing"));
    let (status, code, _) = error_body(get(&app, bad, Some(&user)).await).await;
    assert_eq!((status, code.as_str()), (400, "invalid_path"));
    let (status, code, _) = error_body(get(&app, &path, None).await).await;
    assert_eq!((status, code.as_str()), (401, "token_missing"));
}

crate::on_both_backends!(the_page_is_cached_and_every_change_shows_at_once);
