//! Issue 29 §3, nothing left behind: an object written before its row, whose row never came
//! (a failed transaction, a killed process), is removed by the worker's sweep once the grace
//! period has passed; objects a row names are never touched.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use figment::providers::Serialized;
use green_channel::platform::storage::ahead;
use sea_orm::{ConnectionTrait, TransactionTrait};
use secrecy::ExposeSecret;

use crate::binary::serve_with;
use crate::case_support::{count, get};
use crate::doc_support::{consent, jpeg, objects, plan3_draft, uploaded};
use crate::helpers::{Backend, TestApp, eventually, spawn_app_with};
use crate::on_both_backends;

async fn put(app: &TestApp, key: &str) {
    app.state
        .storage
        .put(key, bytes::Bytes::from_static(b"left behind"), "image/jpeg")
        .await
        .expect("written");
}

on_both_backends!(
    objects_no_row_names_are_swept_after_the_grace_period,
    the_worker_sweeps_on_its_own,
);

/// The app without its in-process worker (the test sweeps itself, at the times it names).
async fn app_without_worker(backend: Backend) -> TestApp {
    spawn_app_with(backend, |f| {
        f.merge(Serialized::default("worker.in_process", false))
    })
    .await
}

async fn objects_no_row_names_are_swept_after_the_grace_period(backend: Backend) {
    let app = app_without_worker(backend).await;
    let (token, case) = plan3_draft(&app, "leftover", "11010519800101008").await;
    consent(&app, &token).await;
    let document = uploaded(&app, &token, &case, "outpatient_record", &jpeg(48, 32, 7)).await;
    let named = objects(&app).await;
    assert_eq!(named.len(), 2, "the photo and its thumbnail: {named:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM object_intent").await, 0);

    // Two writes whose rows never came: one seven hours ago, one just now.
    let now = app.state.clocks.business.now();
    let old = ["cases/gone/old", "cases/gone/old-thumb"];
    ahead::announce(&app.db, &old, now - TimeDelta::hours(7))
        .await
        .expect("announced");
    let new = "cases/gone/new";
    ahead::announce(&app.db, &[new], now)
        .await
        .expect("announced");
    for key in old.into_iter().chain([new]) {
        put(&app, key).await;
    }

    // The default grace is six hours: the older two go, the newer stays, the document's stay.
    let grace = TimeDelta::seconds(
        i64::try_from(app.state.settings.storage.orphan_grace_secs).expect("small"),
    );
    assert_eq!(grace, TimeDelta::hours(6));
    let storage = &app.state.storage;
    let swept = ahead::sweep(&app.db, storage, now - grace).await;
    assert_eq!(swept.expect("swept"), 2);
    let mut left = named.clone();
    left.push(new.to_owned());
    left.sort();
    assert_eq!(objects(&app).await, left);
    assert_eq!(
        ahead::sweep(&app.db, storage, now - grace)
            .await
            .expect("swept"),
        0,
        "a second sweep finds nothing more"
    );

    // Past its grace the newer goes too; the named objects stay and the photo still reads.
    let later = now + TimeDelta::hours(7);
    assert_eq!(
        ahead::sweep(&app.db, storage, later - grace)
            .await
            .expect("swept"),
        1
    );
    assert_eq!(objects(&app).await, named);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM object_intent").await, 0);
    let file = document["url"].as_str().expect("the photo's address");
    let read = get(&app, file, Some(&token)).await;
    assert_eq!(read.status().as_u16(), 200, "{file}");

    // A photo the insured removes takes its objects with it (announced in its transaction).
    let id = document["id"].as_str().expect("id");
    let removed = app
        .client
        .delete(app.url(&format!("/api/v1/cases/{case}/documents/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent");
    assert_eq!(removed.status().as_u16(), 204);
    assert!(objects(&app).await.is_empty());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM object_intent").await, 0);
}

/// The worker's own round sweeps what is past the grace period, on the business clock.
async fn the_worker_sweeps_on_its_own(backend: Backend) {
    let app = spawn_app_with(backend, |f| {
        f.merge(Serialized::default("worker.in_process", true))
            .merge(Serialized::default("cases.sweep_interval_secs", 1))
    })
    .await;
    let now = app.state.clocks.business.now();
    let key = "cases/gone/by-the-worker";
    ahead::announce(
        &app.db,
        &[key],
        now - TimeDelta::hours(6) - TimeDelta::minutes(1),
    )
    .await
    .expect("announced");
    put(&app, key).await;
    let swept = eventually(Duration::from_secs(15), || async {
        objects(&app).await.is_empty()
    })
    .await;
    assert!(
        swept,
        "the worker removed the object: {:?}",
        objects(&app).await
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM object_intent").await, 0);
}

/// The service killed (SIGKILL) after writing a photo's objects and before its row commits:
/// the objects stay announced, and the sweep removes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_killed_between_the_object_and_its_row_leaves_nothing_behind() {
    let app = app_without_worker(Backend::Postgres).await;
    let (token, case) = plan3_draft(&app, "killed-upload", "11010519800101008").await;
    consent(&app, &token).await;

    // The same database, cache and store, in a process of its own.
    let settings = &app.state.settings;
    let storage = &settings.storage;
    let secret =
        |s: &Option<secrecy::SecretString>| s.as_ref().expect("set").expose_secret().to_owned();
    let database = secret(&settings.database.url);
    let redis = secret(&settings.redis.url);
    let (key_id, key_secret) = (
        secret(&storage.access_key_id),
        secret(&storage.secret_access_key),
    );
    let endpoint = storage.endpoint.clone().expect("an endpoint");
    let bucket = storage.bucket.clone().expect("a bucket");
    let env = [
        ("APP_DATABASE__URL", database.as_str()),
        ("APP_CACHE__BACKEND", "redis"),
        ("APP_REDIS__URL", redis.as_str()),
        ("APP_CACHE__KEY_PREFIX", settings.cache.key_prefix.as_str()),
        ("APP_STORAGE__BACKEND", "s3"),
        ("APP_STORAGE__ENDPOINT", endpoint.as_str()),
        ("APP_STORAGE__BUCKET", bucket.as_str()),
        ("APP_STORAGE__ACCESS_KEY_ID", key_id.as_str()),
        ("APP_STORAGE__SECRET_ACCESS_KEY", key_secret.as_str()),
        ("APP_STORAGE__REGION", storage.region.as_str()),
        ("APP_STORAGE__ROOT", storage.root.as_str()),
        ("APP_WORKER__IN_PROCESS", "false"),
        ("APP_LOG__FILTER", "warn"),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut child, base) = serve_with(&dir, &env, None).await;

    // The case's row held, so the upload's transaction waits after its objects are written.
    let lock = app.db.begin().await.expect("a transaction");
    lock.execute_unprepared(&format!(
        "SELECT id FROM service_case WHERE public_id = '{case}' FOR UPDATE"
    ))
    .await
    .expect("the case locked");
    let upload = {
        let client = app.client.clone();
        let url = format!("{base}/api/v1/cases/{case}/documents");
        let token = token.clone();
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .header("Content-Type", crate::doc_support::content_type())
                .body(crate::doc_support::multipart(
                    &[("category", "outpatient_record")],
                    "tmp_photo.jpg",
                    &jpeg(640, 480, 11),
                ))
                .timeout(Duration::from_secs(60))
                .send()
                .await
        })
    };
    let mut written = Vec::new();
    for _ in 0..200 {
        written = objects(&app).await;
        if written.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(written.len(), 2, "the photo and its thumbnail written");
    child.start_kill().expect("kill -9");
    let status = child.wait().await.expect("exit");
    assert!(!status.success(), "killed ({status:?})");
    assert!(upload.await.expect("joined").is_err(), "no answer came");
    lock.rollback().await.expect("released");

    // No row names them; their announcements do.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM document").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM object_intent").await, 2);
    assert_eq!(objects(&app).await, written);

    // Within the grace period they stay (the upload could still be on its way); after it, the
    // sweep removes them and their announcements.
    let store = &app.state.storage;
    let now = Utc::now();
    let grace = TimeDelta::hours(6);
    assert_eq!(
        ahead::sweep(&app.db, store, now - grace)
            .await
            .expect("swept"),
        0
    );
    assert_eq!(objects(&app).await, written);
    let later = now + grace + TimeDelta::minutes(1);
    assert_eq!(
        ahead::sweep(&app.db, store, later - grace)
            .await
            .expect("swept"),
        2
    );
    assert!(objects(&app).await.is_empty());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM object_intent").await, 0);
}
