//! The `green-channel worker` process killed (SIGKILL) mid-batch and started again, on
//! PostgreSQL and Redis: nothing is lost, and nothing is sent twice beyond the documented
//! at-least-once window (the rows that were on their way to WeChat when it died).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, Database, EntityTrait};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::binary::green_channel;
use crate::fake_wechat::{APP_ID, APP_SECRET, FakeWechat};
use crate::helpers::{create_postgres_database, eventually, redis_url, unique_suffix};
use crate::notify_support::{ACCESS_TOKEN, PROGRESS, SEND_PATH, fake};

const USERS: usize = 5;
const PER_USER: usize = 20;
const CONCURRENCY: &str = "4";

async fn pending(db: &sea_orm::DatabaseConnection) -> i64 {
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        "SELECT COUNT(*) FROM notification WHERE state = 'pending'".to_owned(),
    ))
    .await
    .expect("query")
    .expect("a row")
    .try_get_by_index::<i64>(0)
    .expect("a count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_batch_loses_nothing_and_resends_only_what_was_in_flight() {
    let fake: FakeWechat = fake().await;
    FakeWechat::subscribe_send(ACCESS_TOKEN)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"errcode":0,"errmsg":"ok","msgid":42}"#)
                .insert_header("content-type", "application/json")
                .set_delay(Duration::from_millis(100)),
        )
        .mount(&fake.server)
        .await;
    let (_, url) = create_postgres_database().await;
    let uri = fake.server.uri();
    let prefix = format!("gct:{}:", unique_suffix());
    let redis = redis_url();
    let env = [
        ("APP_DATABASE__URL", url.as_str()),
        ("APP_CACHE__BACKEND", "redis"),
        ("APP_REDIS__URL", redis.as_str()),
        ("APP_CACHE__KEY_PREFIX", prefix.as_str()),
        ("APP_SERVER__PORT", "0"),
        ("APP_WECHAT__BASE_URL", uri.as_str()),
        ("APP_WECHAT__APP_ID", APP_ID),
        ("APP_WECHAT__APP_SECRET", APP_SECRET),
        ("APP_WORKER__LEASE_SECS", "2"),
        ("APP_WORKER__BATCH_SIZE", "10"),
        ("APP_WORKER__CONCURRENCY", CONCURRENCY),
        ("APP_WORKER__INTERVAL_MS", "50"),
        ("APP_LOG__FILTER", "warn"),
    ];
    let migrated = green_channel(&["migrate", "up"], &env)
        .output()
        .await
        .expect("migrate runs");
    assert!(migrated.status.success(), "{migrated:?}");

    let db = Database::connect(&url).await.expect("the database");
    let now = Utc::now();
    for u in 0..USERS {
        let user = entity::app_user::Entity::insert(entity::app_user::ActiveModel {
            public_id: Set(uuid::Uuid::new_v4()),
            openid: Set(format!("o-kill-{u}")),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(&db)
        .await
        .expect("a user")
        .last_insert_id;
        // More grants than rows: a resent message uses one more.
        green_channel::notifications::store::grants::add(
            &db,
            user,
            PROGRESS,
            "client",
            PER_USER * 2,
            now,
        )
        .await
        .expect("grants");
        for n in 0..PER_USER {
            green_channel::outbox::store::enqueue(
                &db,
                user,
                None,
                green_channel::outbox::kind::NotificationKind::CaseApproved,
                &json!({ "case_number": format!("K{u}-{n}"), "service": "专家门诊" }),
                now,
            )
            .await
            .expect("queued");
        }
    }

    let mut first = green_channel(&["worker"], &env)
        .spawn()
        .expect("the worker starts");
    let started = eventually(Duration::from_secs(30), || async {
        fake.received(SEND_PATH).await.len() >= 12
    })
    .await;
    assert!(started, "the worker sends");
    first.start_kill().expect("SIGKILL");
    first.wait().await.expect("it died");
    let sent_before = fake.received(SEND_PATH).await.len();
    assert!(pending(&db).await > 0, "killed mid-way: some rows are left");

    let mut second = green_channel(&["worker"], &env)
        .spawn()
        .expect("the worker restarts");
    let drained = eventually(Duration::from_secs(60), || async {
        pending(&db).await == 0
    })
    .await;
    second.start_kill().ok();
    assert!(drained, "the restarted worker sends the rest");

    let mut times: BTreeMap<String, usize> = BTreeMap::new();
    for send in fake.received(SEND_PATH).await {
        let marker = send["data"]["character_string1"]["value"]
            .as_str()
            .expect("marker")
            .to_owned();
        *times.entry(marker).or_default() += 1;
    }
    assert_eq!(times.len(), USERS * PER_USER, "nothing lost");
    let twice: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    let window: usize = CONCURRENCY.parse().expect("a number");
    assert!(
        twice.len() <= window && twice.iter().all(|(_, n)| **n == 2),
        "only rows in flight at the kill were sent again ({sent_before} before the kill): {twice:?}"
    );
    let sent: i64 = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM notification WHERE state = 'sent'".to_owned(),
        ))
        .await
        .expect("query")
        .expect("a row")
        .try_get_by_index(0)
        .expect("a count");
    assert_eq!(sent as usize, USERS * PER_USER);
}
