//! Notification figures (`scripts/bench-notifications` runs it; settings from the environment,
//! as the service reads them):
//!
//! 1. what the outbox write adds to a case transition: `cases::cached::apply` on one case, the
//!    same transition with and without its notification, in interleaved rounds;
//! 2. sends per second through the dispatcher with 10,000 queued rows (100 users × 100,
//!    interleaved) and 1
//!    and 2 workers (each its own connection pool and cache client, as two processes would
//!    have), against a bare floor measured in the same run: the same number of POSTs straight
//!    at the fake's `subscribeMessage.send`, at the same concurrency, no database.
//!
//!     bench_notify CASE_PUBLIC_ID FAKE_WECHAT_URL

// A benchmark's figures are its standard output.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use chrono::Utc;
use futures_util::StreamExt as _;
use green_channel::cases::cached;
use green_channel::cases::lifecycle::{QuotaEffect, Status, Step};
use green_channel::cases::service::plan_of;
use green_channel::cases::store::{self, Actor, Transition};
use green_channel::notifications::dispatch;
use green_channel::notifications::store::grants as grant_store;
use green_channel::outbox::kind::NotificationKind;
use green_channel::outbox::store as outbox;
use green_channel::platform::config::Settings;
use green_channel::state::AppState;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::json;

const USERS: usize = 100;
const PER_USER: usize = 100;
const ROUNDS: usize = 5;
const TRANSITIONS_PER_ROUND: usize = 200;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let case_id: uuid::Uuid = args.next().expect("a case id").parse()?;
    let fake = args.next().expect("the fake WeChat's URL");
    let settings = Settings::load().map_err(|e| anyhow::anyhow!("{:?}", e.problems))?;
    let state = green_channel::startup::build_state(settings.clone()).await?;

    transitions(&state, case_id).await?;
    let concurrency = state.settings.worker.concurrency;
    for workers in [1usize, 2] {
        let floor = bare_posts(&fake, concurrency * workers, USERS * PER_USER).await?;
        let sends = dispatched(&state, &settings, workers).await?;
        println!(
            "sends, {workers} worker(s): {sends:.0}/s; bare POSTs to the fake at concurrency {}: {floor:.0}/s; ratio {:.2}",
            concurrency * workers,
            sends / floor
        );
    }
    Ok(())
}

/// Transitions per second with and without the outbox write, interleaved.
async fn transitions(state: &AppState, case_id: uuid::Uuid) -> anyhow::Result<()> {
    let mut case = store::find(&state.db, case_id).await?.expect("the case");
    let (_, service) = plan_of(state, &case).map_err(|e| anyhow::anyhow!("{e}"))?;
    let status = Status::from(case.status);
    let calendar = state.calendar.get();
    let (mut with, mut without) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..ROUNDS {
        for notify in [true, false] {
            let started = Instant::now();
            for _ in 0..TRANSITIONS_PER_ROUND {
                let mut transition = Transition::new(
                    "noted",
                    Step {
                        to: status,
                        quota: QuotaEffect::Keep,
                    },
                );
                if notify {
                    transition = transition.notify(NotificationKind::CaseSubmitted);
                }
                case = cached::apply(
                    state,
                    &calendar,
                    &service,
                    &case,
                    case.version,
                    transition,
                    Actor::System,
                    Utc::now(),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
            *if notify { &mut with } else { &mut without } += started.elapsed();
        }
    }
    let n = (ROUNDS * TRANSITIONS_PER_ROUND) as f64;
    let (with, without) = (n / with.as_secs_f64(), n / without.as_secs_f64());
    println!(
        "case transitions: {without:.0}/s without the outbox write, {with:.0}/s with it; ratio {:.2}",
        with / without
    );
    Ok(())
}

/// The floor: `total` POSTs of a subscribe message straight at the fake, `concurrency` at once.
async fn bare_posts(fake: &str, concurrency: usize, total: usize) -> anyhow::Result<f64> {
    let client = reqwest::Client::new();
    let url = format!("{fake}/cgi-bin/message/subscribe/send?access_token=bench-token");
    let body = json!({
        "touser": "o-bench", "template_id": "local-progress-template",
        "page": "pages/case/detail?id=x", "miniprogram_state": "formal", "lang": "zh_CN",
        "data": {"character_string1": {"value": "GC2611-00042"}, "thing2": {"value": "专家门诊"},
                 "phrase3": {"value": "已通过"}, "thing4": {"value": "我们正在为您安排"}},
    });
    let started = Instant::now();
    let failures = futures_util::stream::iter(0..total)
        .map(|_| {
            let (client, url, body) = (&client, &url, &body);
            async move { client.post(url).json(body).send().await.is_err() }
        })
        .buffer_unordered(concurrency)
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await;
    anyhow::ensure!(failures == 0, "{failures} bare POSTs failed");
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Queues 10,000 rows with their grants, then runs `workers` instances until none is pending.
async fn dispatched(state: &AppState, settings: &Settings, workers: usize) -> anyhow::Result<f64> {
    let db = &state.db;
    for table in ["notification", "subscribe_grant"] {
        db.execute_unprepared(&format!("DELETE FROM {table}"))
            .await?;
    }
    let now = Utc::now();
    let mut users = Vec::with_capacity(USERS);
    for u in 0..USERS {
        let openid = format!("o-bench-notify-{u}");
        let user = match green_channel::users::service::by_openid(state, &openid).await? {
            Some(id) => id,
            None => {
                entity::app_user::Entity::insert(entity::app_user::ActiveModel {
                    public_id: Set(uuid::Uuid::new_v4()),
                    openid: Set(openid),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .exec(db)
                .await?
                .last_insert_id
            }
        };
        grant_store::add(db, user, "local-progress-template", "client", PER_USER, now).await?;
        users.push(user);
    }
    // Users' messages interleave, as changes of many cases do.
    for n in 0..PER_USER {
        for (u, user) in users.iter().enumerate() {
            outbox::enqueue(
                db,
                *user,
                None,
                NotificationKind::CaseApproved,
                &json!({"case_number": format!("B{u}-{n}"), "service": "专家门诊"}),
                now,
            )
            .await?;
        }
    }
    let mut instances = vec![state.clone()];
    for _ in 1..workers {
        instances.push(green_channel::startup::build_state(settings.clone()).await?);
    }
    let started = Instant::now();
    let runs = instances.into_iter().map(|state| {
        tokio::spawn(async move {
            let mut sent = 0usize;
            loop {
                let report = dispatch::run_once(&state).await?;
                sent += report.count("sent");
                if report.claimed == 0 {
                    if outbox::depth(&state.db).await?.0 == 0 {
                        return Ok::<usize, anyhow::Error>(sent);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        })
    });
    let mut sent = 0;
    for run in futures_util::future::join_all(runs).await {
        sent += run??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    anyhow::ensure!(sent == USERS * PER_USER, "sent {sent}");
    Ok(sent as f64 / elapsed)
}
