//! The insured's case page is read in one statement (issue 16); the specialists' view still
//! reads the case, its policy and its timeline one by one. Both must show the same case.

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
