//! The dispatcher against a fake WeChat that speaks the documented shapes: a case walked to its
//! end sends what the user granted, in order; every outcome (sent, no grant, 43101, 47003,
//! 41030, 43108, a rejected token, 5xx and timeouts with backoff on the business clock, dead
//! after the last attempt); out-of-date messages superseded.

use std::time::Duration;

use chrono::TimeDelta;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::case_support::*;
use crate::fake_wechat::FakeWechat;
use crate::helpers::{Backend, TestApp};
use crate::notify_support::*;
use crate::on_both_backends;
use crate::registry::PLAN5;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";
const MSGID: u64 = 1_988_810_812_324_364_291;

async fn mount_send(fake: &FakeWechat, response: ResponseTemplate, times: Option<u64>) {
    let mock = FakeWechat::subscribe_send(ACCESS_TOKEN).respond_with(response);
    let mock = match times {
        Some(n) => mock.up_to_n_times(n).with_priority(1),
        None => mock.with_priority(5),
    };
    mock.mount(&fake.server).await;
}

async fn a_case_walked_to_its_end_sends_what_the_user_granted_in_order(backend: Backend) {
    let fake = fake().await;
    mount_send(&fake, sent(MSGID), None).await;
    let app = notify_app(backend, &fake, MONDAY).await;
    let (user, policy) = insured(&app, "walk", PLAN5, "2026-01-05", "11010519800101008").await;
    let (_, openid) = user_of(&app, &user).await;
    let specialist = staff(&app, "walk-specialist", "specialist", None).await;
    // At the submit tap the mini-program asked for progress three times over three taps and
    // the appointment notice once.
    accept(&app, &user, &[PROGRESS, PROGRESS, PROGRESS, APPOINTMENT]).await;

    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "tele_doctor"}),
    )
    .await;
    let id = id(&case);
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{id}/submit"),
        &user,
        &json!({}),
    )
    .await;
    assert_eq!(dispatch(&app).await.count("sent"), 1);
    let claimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{id}/claim"),
        &specialist,
        &json!({"version": version(&submitted)}),
    )
    .await;
    let approved = ok(
        &app,
        &format!("/api/v1/staff/cases/{id}/approve"),
        &specialist,
        &json!({"version": version(&claimed)}),
    )
    .await;
    // Who serves the case (seed 002 (一)1.2), then the approval.
    assert_eq!(dispatch(&app).await.count("sent"), 2);
    let scheduled = scheduled(&app, &specialist, &approved, "2026-11-30T09:30:00+08:00").await;
    assert_eq!(dispatch(&app).await.count("sent"), 1);
    // The visit has taken place.
    set_clock(&app, "2026-11-30T12:00:00+08:00").await;
    ok(
        &app,
        &format!("/api/v1/staff/cases/{id}/complete"),
        &specialist,
        &json!({"version": version(&scheduled)}),
    )
    .await;
    // No progress grant is left for the last step: it stays in the message centre only.
    assert_eq!(dispatch(&app).await.count("no_grant"), 1);

    let sends = sends(&fake).await;
    let templates: Vec<&str> = sends
        .iter()
        .map(|s| s["template_id"].as_str().expect("template"))
        .collect();
    assert_eq!(templates, [PROGRESS, PROGRESS, PROGRESS, APPOINTMENT]);
    assert_eq!(sends[0]["data"]["phrase3"]["value"], "已提交");
    assert_eq!(sends[1]["data"]["phrase3"]["value"], "已分配专员");
    assert_eq!(sends[2]["data"]["phrase3"]["value"], "已通过");
    assert_eq!(sends[3]["data"]["time3"]["value"], "2026年11月30日 09:30");
    // A call (the tele-doctor) has no hospital: the card says how it happens.
    assert_eq!(sends[3]["data"]["thing4"]["value"], "电话服务");
    let number = case["number"].as_str().expect("number");
    for send in &sends {
        assert_eq!(send["touser"], openid.as_str());
        assert_eq!(send["page"], format!("pages/case/detail?id={id}"));
        assert_eq!(send["miniprogram_state"], "developer");
        assert_eq!(send["data"]["character_string1"]["value"], number);
        // Visible on a lock screen: never the name, the ID number or the department.
        let text = send.to_string();
        for secret in ["张三丰", "11010519800101008", "肿瘤", "13800000000"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    let rows = rows(&app).await;
    let states: Vec<&str> = rows.iter().map(|r| r.state.as_str()).collect();
    assert_eq!(states, ["sent", "sent", "sent", "sent", "no_grant"]);
    assert!(
        rows[..4]
            .iter()
            .all(|r| r.msgid == Some(MSGID as i64) && r.sent_at.is_some())
    );
    // The message centre has every step, sent or not.
    let inbox: Value = get(&app, "/api/v1/notifications", Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(inbox["total"], 5);
    // Every grant is used.
    let (user_id, _) = user_of(&app, &user).await;
    assert!(remaining(&app, user_id).await.is_empty());
    // Sends by kind and outcome, the outbox and the alerts, as metrics.
    let metrics = app.metrics().await;
    for series in [
        r#"notification_sends_total{kind="case_submitted",outcome="sent"}"#,
        r#"notification_sends_total{kind="case_completed",outcome="no_grant"}"#,
        "notification_outbox_depth ",
        "notification_outbox_oldest_pending_seconds ",
        "staff_alerts_open ",
    ] {
        assert!(metrics.contains(series), "{series} in {metrics}");
    }
}

async fn every_answer_of_wechat_has_its_outcome(backend: Backend) {
    let fake = fake().await;
    let app = notify_app(backend, &fake, MONDAY).await;
    let (user, _) = insured(&app, "outcomes", PLAN5, "2026-01-05", "11010519800101008").await;
    let (user_id, _) = user_of(&app, &user).await;

    // No grant at all: no call to WeChat.
    let id = queue(&app, user_id, "GC-NOGRANT").await;
    dispatch(&app).await;
    assert_eq!(row(&app, id).await.state.as_str(), "no_grant");
    assert!(sends(&fake).await.is_empty());

    // 43101: WeChat has none left either; every banked grant of that template is void.
    accept(&app, &user, &[PROGRESS, PROGRESS]).await;
    mount_send(
        &fake,
        FakeWechat::error(43101, "user refuse to accept the msg"),
        Some(1),
    )
    .await;
    let id = queue(&app, user_id, "GC-43101").await;
    dispatch(&app).await;
    assert_eq!(row(&app, id).await.state.as_str(), "no_grant");
    assert!(remaining(&app, user_id).await.is_empty());

    // 47003 and 41030 are this message's fault: dead at once, the field named; the grant
    // stays the user's.
    accept(&app, &user, &[PROGRESS]).await;
    for (code, message, field) in [
        (
            47003,
            "argument invalid! data.thing2.value invalid",
            "data.thing2.value",
        ),
        (41030, "invalid page rid: 6f2", "page"),
    ] {
        mount_send(&fake, FakeWechat::error(code, message), Some(1)).await;
        let id = queue(&app, user_id, &format!("GC-{code}")).await;
        dispatch(&app).await;
        let dead = row(&app, id).await;
        assert_eq!((dead.state.as_str(), dead.attempts), ("dead", 1), "{code}");
        assert!(
            dead.last_error
                .as_deref()
                .is_some_and(|e| e.contains(field))
        );
        assert_eq!(remaining(&app, user_id).await[PROGRESS], 1);
    }

    // A rejected token (40001) is dropped, fetched again, and the send retried once: sent.
    mount_send(
        &fake,
        FakeWechat::error(40001, "invalid credential"),
        Some(1),
    )
    .await;
    mount_send(&fake, sent(MSGID), Some(1)).await;
    let id = queue(&app, user_id, "GC-40001").await;
    dispatch(&app).await;
    let row_ = row(&app, id).await;
    assert_eq!(
        (row_.state.as_str(), row_.msgid),
        ("sent", Some(MSGID as i64))
    );
    assert_eq!(fake.received("/cgi-bin/stable_token").await.len(), 2);
    assert!(remaining(&app, user_id).await.is_empty());

    // 43108 (a concurrent send to this openid), 5xx and a timeout: retried later on the business
    // clock, with backoff (base 30 s, equal jitter: 15–30 s for the first), the grant kept.
    accept(&app, &user, &[PROGRESS]).await;
    for (label, response) in [
        (
            "43108",
            FakeWechat::error(43108, "Cannot make concurrent calls"),
        ),
        ("5xx", ResponseTemplate::new(502)),
        (
            "timeout",
            FakeWechat::slow(sent(MSGID), Duration::from_millis(1500)),
        ),
        ("busy", FakeWechat::error(-1, "system error")),
    ] {
        mount_send(&fake, response, Some(1)).await;
        let id = queue(&app, user_id, &format!("GC-{label}")).await;
        let before = app.state.clocks.business.now();
        dispatch(&app).await;
        let waiting = row(&app, id).await;
        assert_eq!(
            (waiting.state.as_str(), waiting.attempts),
            ("pending", 1),
            "{label}"
        );
        let delay = waiting.next_attempt_at - before;
        assert!(
            delay >= TimeDelta::seconds(15) && delay <= TimeDelta::seconds(31),
            "{label}: {delay}"
        );
        assert!(waiting.last_error.is_some() && waiting.lease_until.is_none());
        assert_eq!(remaining(&app, user_id).await[PROGRESS], 1, "{label}");
        // Not due yet: nothing is claimed.
        assert_eq!(dispatch(&app).await.claimed, 0, "{label}");
        // Due on the business clock: sent (the fake answers normally now).
        mount_send(&fake, sent(MSGID), Some(1)).await;
        set_clock(
            &app,
            &(waiting.next_attempt_at + TimeDelta::seconds(1)).to_rfc3339(),
        )
        .await;
        dispatch(&app).await;
        assert_eq!(row(&app, id).await.state.as_str(), "sent", "{label}");
        accept(&app, &user, &[PROGRESS]).await;
    }

    // Failing every time: dead after `max_attempts` (3 here), with the last error.
    mount_send(&fake, ResponseTemplate::new(503), Some(10)).await;
    let id = queue(&app, user_id, "GC-DEAD").await;
    for _ in 0..3 {
        dispatch(&app).await;
        let waiting = row(&app, id).await;
        set_clock(
            &app,
            &(waiting.next_attempt_at + TimeDelta::seconds(1)).to_rfc3339(),
        )
        .await;
    }
    let dead = row(&app, id).await;
    assert_eq!((dead.state.as_str(), dead.attempts), ("dead", 3));
    assert!(
        dead.last_error
            .as_deref()
            .is_some_and(|e| e.contains("503"))
    );
    assert_eq!(remaining(&app, user_id).await[PROGRESS], 1);
}

async fn a_case_that_moved_on_supersedes_its_older_messages(backend: Backend) {
    let fake = fake().await;
    mount_send(&fake, sent(MSGID), None).await;
    let app = notify_app(backend, &fake, MONDAY).await;
    let (user, policy) = insured(&app, "moved", PLAN5, "2026-01-05", "11010519800101008").await;
    let specialist = staff(&app, "moved-specialist", "specialist", None).await;
    accept(&app, &user, &[PROGRESS, APPOINTMENT, REMINDER]).await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "tele_doctor"}),
    )
    .await;
    let approved = submitted_and_approved(&app, &user, &specialist, &case).await;
    let scheduled = scheduled(&app, &specialist, &approved, "2026-11-24T09:30:00+08:00").await;
    // 18:00 the day before: the reminder is queued.
    set_clock(&app, "2026-11-23T18:00:00+08:00").await;
    assert_eq!(remind(&app).await.appointments, 1);
    // Then the visit is cancelled before any of it went out.
    ok(
        &app,
        &format!("/api/v1/staff/cases/{}/cancel", id(&case)),
        &specialist,
        &json!({"version": version(&scheduled), "note": "本人来电取消"}),
    )
    .await;
    dispatch(&app).await;
    let rows = rows(&app).await;
    let by_kind: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.kind.as_str(), r.state.as_str()))
        .collect();
    assert_eq!(
        by_kind,
        [
            ("case_submitted", "superseded"),
            ("specialist_assigned", "superseded"),
            ("case_approved", "superseded"),
            ("case_scheduled", "superseded"),
            ("appointment_reminder", "superseded"),
            ("case_cancelled", "sent"),
        ]
    );
    // The reminder that went stale is not in the message centre; the changes are.
    let inbox: Value = get(&app, "/api/v1/notifications", Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    let kinds: Vec<&str> = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "case_cancelled",
            "case_scheduled",
            "case_approved",
            "specialist_assigned",
            "case_submitted"
        ]
    );
    // Only the cancellation went out, with the one progress grant; the others are kept.
    let sends = sends(&fake).await;
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0]["data"]["phrase3"]["value"], "已取消");
    let (user_id, _) = user_of(&app, &user).await;
    let left = remaining(&app, user_id).await;
    assert_eq!((left[APPOINTMENT], left[REMINDER]), (1, 1));
}

async fn a_killed_worker_s_rows_are_claimed_again_after_the_lease(backend: Backend) {
    let fake = fake().await;
    mount_send(&fake, sent(MSGID), None).await;
    let app = notify_app(backend, &fake, MONDAY).await;
    let (user, _) = insured(&app, "lease", PLAN5, "2026-01-05", "11010519800101008").await;
    let (user_id, _) = user_of(&app, &user).await;
    for _ in 0..3 {
        accept(&app, &user, &[PROGRESS]).await;
    }
    for n in 0..3 {
        queue(&app, user_id, &format!("GC-LEASE-{n}")).await;
    }
    // A worker claims the batch and dies before sending any of it.
    let now = app.state.clocks.business.now();
    let claimed =
        green_channel::outbox::store::claim(&app.db, now, now + TimeDelta::seconds(60), 10)
            .await
            .expect("claimed");
    assert_eq!(claimed.len(), 3);
    // While its lease runs, nobody else takes them.
    assert_eq!(dispatch(&app).await.claimed, 0);
    // Once it lapses, they are claimed again and sent, each once.
    set_clock(&app, &(now + TimeDelta::seconds(61)).to_rfc3339()).await;
    assert_eq!(dispatch(&app).await.count("sent"), 3);
    assert_eq!(sends(&fake).await.len(), 3);
    assert_eq!(dispatch(&app).await.claimed, 0);
}

on_both_backends!(
    a_case_walked_to_its_end_sends_what_the_user_granted_in_order,
    every_answer_of_wechat_has_its_outcome,
    a_case_that_moved_on_supersedes_its_older_messages,
    a_killed_worker_s_rows_are_claimed_again_after_the_lease,
);

/// Two workers (two connection pools, two cache clients: two instances) on one PostgreSQL over
/// 1,000 rows for 50 users: each row is sent exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_postgres_send_each_of_a_thousand_rows_once() {
    let fake = fake().await;
    mount_send(&fake, sent(MSGID), None).await;
    let app = notify_app(Backend::Postgres, &fake, MONDAY).await;
    let other = green_channel::startup::build_state((*app.state.settings).clone())
        .await
        .expect("a second instance");
    let now = app.state.clocks.business.now();
    let mut expected = std::collections::BTreeSet::new();
    for u in 0..50 {
        let user_id = insert_user(&app, &format!("many-{u}")).await;
        green_channel::notifications::store::grants::add(
            &app.db, user_id, PROGRESS, "client", 20, now,
        )
        .await
        .expect("grants");
        for n in 0..20 {
            let marker = format!("U{u}-N{n}");
            green_channel::outbox::store::enqueue(
                &app.db,
                user_id,
                None,
                green_channel::outbox::kind::NotificationKind::CaseApproved,
                &json!({ "case_number": marker, "service": "专家门诊" }),
                now,
            )
            .await
            .expect("queued");
            expected.insert(marker);
        }
    }
    // Each worker runs rounds until nothing is pending (a row may wait a moment for a user whose
    // other message the other worker is sending).
    let worker = |state: green_channel::state::AppState| async move {
        let mut sent = 0;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
        while tokio::time::Instant::now() < deadline {
            let report = green_channel::notifications::dispatch::run_once(&state)
                .await
                .expect("a round");
            sent += report.count("sent");
            if report.claimed == 0 {
                let (pending, _) = green_channel::outbox::store::depth(&state.db)
                    .await
                    .expect("depth");
                if pending == 0 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
        }
        sent
    };
    let (a, b) = tokio::join!(
        tokio::spawn(worker(app.state.clone())),
        tokio::spawn(worker(other))
    );
    let (a, b) = (a.expect("worker a"), b.expect("worker b"));
    assert!(a > 0 && b > 0, "both workers sent ({a}, {b})");
    assert_eq!(a + b, 1000);
    let markers: Vec<String> = sends(&fake)
        .await
        .iter()
        .map(|s| {
            s["data"]["character_string1"]["value"]
                .as_str()
                .expect("marker")
                .to_owned()
        })
        .collect();
    assert_eq!(markers.len(), 1000, "no row sent twice");
    let distinct: std::collections::BTreeSet<String> = markers.into_iter().collect();
    assert_eq!(distinct, expected);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM notification WHERE state = 'sent'"
        )
        .await,
        1000
    );
}

async fn insert_user(app: &TestApp, name: &str) -> i64 {
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let now = chrono::Utc::now();
    let inserted = entity::app_user::Entity::insert(entity::app_user::ActiveModel {
        public_id: Set(uuid::Uuid::new_v4()),
        openid: Set(format!("o-{name}")),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .expect("a user");
    inserted.last_insert_id
}
