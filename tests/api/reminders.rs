//! Reminders on the business clock (Asia/Shanghai): the appointment at 18:00 the day before and
//! the free-cancellation cut-off that morning, across a weekend; materials 2 working days after
//! they were asked for, across the 2026 National Day holiday; a draft 24 hours before it expires.
//! Each is queued once, however often or from however many instances the pass runs.

use figment::providers::Serialized;
use serde_json::{Value, json};

use crate::case_support::*;
use crate::doc_support::{complete_materials, jpeg, upload};
use crate::helpers::{Backend, TestApp};
use crate::notify_support::*;
use crate::on_both_backends;

const FRIDAY: &str = "2026-11-27T10:00:00+08:00";

async fn centre_titles(app: &TestApp, token: &str) -> Vec<String> {
    let inbox: Value = get(app, "/api/v1/notifications", Some(token))
        .await
        .json()
        .await
        .expect("JSON");
    inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["title"].as_str().expect("title").to_owned())
        .collect()
}

async fn the_appointment_and_its_cut_off_are_reminded_across_a_weekend(backend: Backend) {
    let fake = fake().await;
    FakeWechatSend::ok(&fake).await;
    let app = notify_app(backend, &fake, FRIDAY).await;
    let (user, policy) = insured(&app, "weekend", PLAN3, "2026-01-05", "11010519800101008").await;
    let specialist = staff(
        &app,
        "weekend-specialist",
        "specialist",
        Some(PLAN3_INSURER),
    )
    .await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    let approved = approved(&app, &user, &specialist, &case).await;
    // Monday 09:30: the cut-off is Sunday 12:00 (plan 3: free until noon the day before).
    scheduled(&app, &specialist, &approved, "2026-11-30T09:30:00+08:00").await;
    accept(&app, &user, &[REMINDER, REMINDER]).await;

    set_clock(&app, "2026-11-29T07:59:00+08:00").await;
    assert_eq!(remind(&app).await, Default::default());
    set_clock(&app, "2026-11-29T08:00:00+08:00").await;
    assert_eq!(remind(&app).await.cutoffs, 1);
    assert_eq!(remind(&app).await.cutoffs, 0, "queued once");
    assert_eq!(dispatch(&app).await.count("sent"), 1);

    set_clock(&app, "2026-11-29T17:59:00+08:00").await;
    assert_eq!(remind(&app).await, Default::default());
    set_clock(&app, "2026-11-29T18:00:00+08:00").await;
    // Two instances at once still queue it once.
    let second = green_channel::startup::build_state((*app.state.settings).clone())
        .await
        .expect("a second instance");
    let (a, b) = tokio::join!(
        green_channel::notifications::reminders::run_once(&app.state),
        green_channel::notifications::reminders::run_once(&second),
    );
    assert_eq!(
        a.expect("pass").appointments + b.expect("pass").appointments,
        1
    );
    assert_eq!(dispatch(&app).await.count("sent"), 1);

    let sends = sends(&fake).await;
    assert_eq!(sends.len(), 2);
    assert_eq!(
        sends[0]["data"]["thing4"]["value"],
        "如需取消请于今日12:00前操作"
    );
    assert_eq!(sends[1]["data"]["time2"]["value"], "2026年11月30日 09:30");
    assert!(sends.iter().all(|s| s["template_id"] == REMINDER));
    let titles = centre_titles(&app, &user).await;
    assert_eq!(titles[..2], ["明日就诊提醒", "取消截止提醒"]);
}

async fn materials_are_reminded_two_working_days_later_across_national_day(backend: Backend) {
    let fake = fake().await;
    let app = notify_app(backend, &fake, "2026-09-30T10:00:00+08:00").await;
    let specialist = staff(
        &app,
        "holiday-specialist",
        "specialist",
        Some(PLAN3_INSURER),
    )
    .await;
    let mut cases = Vec::new();
    for (who, id17) in [
        ("quiet", "11010519800101008"),
        ("busy", "11010519800101016"),
    ] {
        let (user, policy) = insured(&app, who, PLAN3, "2026-01-05", id17).await;
        let case = created(&app, &user, &beijing_outpatient(&policy)).await;
        complete_materials(&app, &user, &id(&case)).await;
        let submitted = ok(
            &app,
            &format!("/api/v1/cases/{}/submit", id(&case)),
            &user,
            &json!({}),
        )
        .await;
        let claimed = ok(
            &app,
            &format!("/api/v1/staff/cases/{}/claim", id(&case)),
            &specialist,
            &json!({"version": version(&submitted)}),
        )
        .await;
        ok(
            &app,
            &format!("/api/v1/staff/cases/{}/request-materials", id(&case)),
            &specialist,
            &json!({"version": version(&claimed), "categories": ["outpatient_record"], "message": "请补充门诊病历"}),
        )
        .await;
        cases.push((user, case));
    }
    // 1–7 October are off: Thursday 8 October is the first working day, Friday the 9th the
    // second. The busy one uploads on the 8th and is not reminded.
    set_clock(&app, "2026-10-08T15:00:00+08:00").await;
    let (busy, busy_case) = &cases[1];
    let response = upload(
        &app,
        busy,
        &id(busy_case),
        "outpatient_record",
        &jpeg(24, 16, 77),
    )
    .await;
    assert!([200, 201].contains(&response.status().as_u16()));
    assert_eq!(remind(&app).await, Default::default());
    set_clock(&app, "2026-10-09T09:59:00+08:00").await;
    assert_eq!(remind(&app).await.materials, 0);
    // (Asked a few seconds after 10:00, as the test's clock ran on: due then.)
    set_clock(&app, "2026-10-09T10:01:00+08:00").await;
    assert_eq!(remind(&app).await.materials, 1);
    assert_eq!(remind(&app).await.materials, 0, "queued once");
    let (quiet, _) = &cases[0];
    assert_eq!(centre_titles(&app, quiet).await[0], "资料尚未上传");
    assert_ne!(centre_titles(&app, busy).await[0], "资料尚未上传");
}

async fn a_draft_is_reminded_a_day_before_it_expires(backend: Backend) {
    let fake = fake().await;
    let app = notify_app(backend, &fake, "2026-11-23T10:00:00+08:00").await;
    // Plan 2 keeps drafts (plan 3's guided flow has none).
    let (user, policy) = insured(&app, "drafty", PLAN2, "2026-01-05", "11010519800101008").await;
    created(&app, &user, &beijing_outpatient(&policy)).await;
    // A draft lives 168 hours: it expires Monday 30 November 10:00.
    set_clock(&app, "2026-11-29T09:59:00+08:00").await;
    assert_eq!(remind(&app).await.drafts, 0);
    // (Created a few seconds after 10:00, as the test's clock ran on.)
    set_clock(&app, "2026-11-29T10:01:00+08:00").await;
    assert_eq!(remind(&app).await.drafts, 1);
    assert_eq!(remind(&app).await.drafts, 0);
    assert_eq!(centre_titles(&app, &user).await[0], "申请即将过期");
}

on_both_backends!(
    the_appointment_and_its_cut_off_are_reminded_across_a_weekend,
    materials_are_reminded_two_working_days_later_across_national_day,
    a_draft_is_reminded_a_day_before_it_expires,
);

/// `serve` with `APP_WORKER__IN_PROCESS=true` (the embedded default) sends by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_sends_by_itself_in_the_embedded_profile() {
    let fake = fake().await;
    FakeWechatSend::ok(&fake).await;
    let app = crate::fake_wechat::spawn_with(Backend::Sqlite, &fake, |f| {
        f.merge(Serialized::default("worker.in_process", true))
            .merge(Serialized::default("worker.interval_ms", 50))
    })
    .await;
    let (user, _) = insured(&app, "inproc", PLAN3, "2026-01-05", "11010519800101008").await;
    let (user_id, _) = user_of(&app, &user).await;
    accept(&app, &user, &[PROGRESS]).await;
    let id = queue(&app, user_id, "GC-INPROC").await;
    let sent = crate::helpers::eventually(std::time::Duration::from_secs(10), || async {
        row(&app, id).await.state.as_str() == "sent"
    })
    .await;
    assert!(sent, "the in-process worker sent the message");
    assert_eq!(sends(&fake).await.len(), 1);
}

/// A fake `subscribeMessage.send` that always succeeds.
struct FakeWechatSend;

impl FakeWechatSend {
    async fn ok(fake: &crate::fake_wechat::FakeWechat) {
        crate::fake_wechat::FakeWechat::subscribe_send(ACCESS_TOKEN)
            .respond_with(sent(7))
            .mount(&fake.server)
            .await;
    }
}
