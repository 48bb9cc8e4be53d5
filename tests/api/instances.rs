//! Two instances, one truth: two copies of the service on one PostgreSQL + Redis, as behind a
//! load balancer. A logout or a disabled console account on one is refused on the other at
//! once; rate limits and binding lockouts are shared; the draft-expiry sweep acts once per
//! draft; an imported calendar year reaches both. (Notifications and reminders: each once with
//! two workers, `dispatch.rs` and `reminders.rs`.)

use figment::providers::Serialized;
use serde_json::json;

use crate::case_support::*;
use crate::helpers::{Backend, error_body, eventually, second_instance, spawn_app_with};
use crate::registry::{PLAN5, resident_id};

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_accounts_sweeps_and_the_calendar_are_one_across_instances() {
    let a = spawn_app_with(Backend::Postgres, |f| {
        f.merge(Serialized::default("clock.adjustable", true))
            .merge(Serialized::default("clock.now", MONDAY))
            .merge(Serialized::default("cases.sweep_interval_secs", 86_400))
            .merge(Serialized::default("calendar.reload_secs", 1))
    })
    .await;
    let b = second_instance(&a).await;

    // A logout on one instance ends the session on the other.
    let (user, policy) = insured(&a, "two", PLAN5, "2026-01-05", "11010519800101008").await;
    assert_eq!(
        get(&b, "/api/v1/me", Some(&user)).await.status().as_u16(),
        200
    );
    let out = post(&a, "/api/v1/auth/logout", Some(&user), &json!({})).await;
    assert_eq!(out.status().as_u16(), 204);
    let (status, code, _) = error_body(get(&b, "/api/v1/me", Some(&user)).await).await;
    assert_eq!((status, code.as_str()), (401, "session_revoked"));

    // A console account disabled (from the command line) is refused on both at once.
    let specialist = staff(&a, "two-specialist", "specialist", None).await;
    assert_eq!(
        get(&b, "/api/v1/staff/cases", Some(&specialist))
            .await
            .status()
            .as_u16(),
        200
    );
    green_channel::commands::staff(
        &a.db,
        &a.state.settings,
        green_channel::cli::StaffAction::Disable {
            login: "two-specialist".to_owned(),
        },
        &mut std::io::empty(),
        &mut std::io::sink(),
    )
    .await
    .expect("disabled");
    for instance in [&a, &b] {
        let answer = get(instance, "/api/v1/staff/cases", Some(&specialist)).await;
        assert_eq!(answer.status().as_u16(), 401);
    }

    // The draft-expiry sweep, run by both at once, expires a draft once. The
    // insured signs in again (the policy stays theirs: one policy, one person).
    let user = a.login_ok("dev:two").await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    created(
        &a,
        &user,
        &json!({"policy_id": policy, "service": "tele_doctor"}),
    )
    .await;
    for instance in [&a, &b] {
        set_clock(instance, "2026-12-01T10:00:00+08:00").await;
    }
    let (one, two) = tokio::join!(
        green_channel::cases::expiry::sweep(&a.state),
        green_channel::cases::expiry::sweep(&b.state),
    );
    assert_eq!(one.expect("sweep") + two.expect("sweep"), 1);
    assert_eq!(
        count(
            &a,
            "SELECT COUNT(*) FROM case_event WHERE to_status = 'expired'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &a,
            "SELECT COUNT(*) FROM notification WHERE kind = 'case_expired'"
        )
        .await,
        1
    );

    // A year imported on one reaches both (each reloads the calendar every second here).
    let year = green_channel::calendar::store::HolidayFile::parse(
        r#"{"year": 2028, "papers": ["https://www.gov.cn/example"], "days": [
            {"name": "元旦", "date": "2028-01-01", "isOffDay": true}
        ]}"#,
    )
    .expect("a calendar");
    green_channel::calendar::store::import(&a.db, &year, chrono::Utc::now())
        .await
        .expect("imported");
    let both = eventually(std::time::Duration::from_secs(10), || async {
        a.state.calendar.get().is_published(2028) && b.state.calendar.get().is_published(2028)
    })
    .await;
    assert!(both, "the imported year reached both instances");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_binding_lockouts_are_shared_across_instances() {
    let a = spawn_app_with(Backend::Postgres, |f| {
        f.merge(Serialized::default("limits.login_per_ip_per_minute", 4))
            .merge(Serialized::default(
                "limits.bind_failures_per_user_per_day",
                4,
            ))
    })
    .await;
    let b = second_instance(&a).await;
    // Logins: two on each instance, then the fifth is refused, wherever it goes.
    let token = a.login_ok("dev:limited").await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    b.login_ok("dev:limited").await;
    a.login_ok("dev:limited").await;
    b.login_ok("dev:limited").await;
    let (status, code, _) = error_body(a.wechat_login("dev:limited").await).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    let (status, code, _) = error_body(b.wechat_login("dev:limited").await).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));

    // Binding: failures counted across instances lock the user out on both.
    let wrong = json!({"name": "无此人", "id_type": "resident_id", "id_number": resident_id("11010519800101099")});
    for instance in [&a, &b, &a, &b] {
        let (status, code, _) =
            error_body(post(instance, "/api/v1/policies/bind", Some(&token), &wrong).await).await;
        assert_eq!((status, code.as_str()), (404, "policy_not_found"));
    }
    for instance in [&a, &b] {
        let (status, code, _) =
            error_body(post(instance, "/api/v1/policies/bind", Some(&token), &wrong).await).await;
        assert_eq!((status, code.as_str()), (429, "bind_locked"));
    }
}
