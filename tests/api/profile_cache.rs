//! `/me` from the cache (issue 16): one round trip on a hit, and never stale — a phone bound, a
//! policy bound, an import or a partner's push shows in the very next `/me`; a revoked session
//! is refused even with its user's copy in the cache. The guarded-copy protocol itself is
//! checked against both cache implementations.

use std::sync::Arc;
use std::time::Duration;

use green_channel::platform::cache::guarded::{self, GuardedCopy, Scope};
use green_channel::platform::cache::{Cache, SharedCache};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{
    Backend, TestApp, error_body, memory_cache, redis_cache, redis_url, spawn_app, unique_suffix,
};
use crate::registry::{NewPolicy, PLAN5, add_policy, resident_id};

async fn me(app: &TestApp, token: &str) -> Value {
    let response = app.me(token).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().expect("ascii"),
        "application/json"
    );
    response.json().await.expect("JSON")
}

/// A binding of the app's only user written behind the service's back (no change announced): a
/// cached `/me` cannot see it, the database can — how the test tells a hit from a read.
async fn bind_behind_the_back(app: &TestApp, policy_no: &str) {
    let sql = format!(
        "INSERT INTO policy_binding (user_id, policy_id, relation, created_at) \
         SELECT u.id, p.id, 'insured', CURRENT_TIMESTAMP FROM app_user u, policy p \
         WHERE p.policy_no = '{policy_no}'"
    );
    let written = app
        .db
        .execute_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .expect("inserted");
    assert_eq!(written.rows_affected(), 1);
}

fn policy_nos(me: &Value) -> Vec<String> {
    me["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .map(|p| p["policy_no"].as_str().expect("no").to_owned())
        .collect()
}

/// Policies in force of 张三丰 (`id`), numbered `nos`, not bound to anyone yet.
async fn add_policies(app: &TestApp, id: &str, nos: [&str; 2]) {
    for no in nos {
        add_policy(
            app,
            NewPolicy {
                policy_no: no,
                product: PLAN5,
                name: "张三丰",
                id_number: id,
                effective: "2026-01-05",
                status: "in_force",
            },
        )
        .await;
    }
}

async fn me_is_cached_and_every_change_shows_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let shared = app.cache.shared();
    let id = resident_id("11010519800101411");
    add_policies(&app, &id, ["P-CACHE-1", "P-CACHE-2"]).await;
    let login = app.login_ok("dev:cache-user").await;
    assert_eq!(login["user"]["phone_bound"], false);
    assert_eq!(login["user"]["policies_bound"], false);
    let token = login["access_token"].as_str().expect("token").to_owned();
    let first = me(&app, &token).await;
    assert_eq!(first["policies_bound"], false);
    assert_eq!(first["phone"], Value::Null);

    // Written without announcing a change: the cached copy (shared cache) does not show it; the
    // embedded profile, which caches nothing, reads the database every time.
    assert_eq!(app.user_count().await, 1);
    bind_behind_the_back(&app, "P-CACHE-1").await;
    let second = me(&app, &token).await;
    if shared {
        assert_eq!(second, first, "served from the cache");
    } else {
        assert_eq!(policy_nos(&second), ["P-CACHE-1"]);
    }

    // A phone bound through the service: the next /me shows it, and the database's binding.
    let phone = app.bind_phone(&token, "dev:13800001234").await;
    assert_eq!(phone.status().as_u16(), 200);
    let after_phone = me(&app, &token).await;
    assert_eq!(after_phone["phone"], "138****1234");
    assert_eq!(policy_nos(&after_phone), ["P-CACHE-1"]);
    assert_eq!(
        me(&app, &token).await,
        after_phone,
        "the copy is stored again"
    );

    // A policy bound through the service.
    let bound = app
        .post_json(
            "/api/v1/policies/bind",
            &json!({"name": "张三丰", "id_type": "resident_id", "id_number": id}),
            Some(&token),
        )
        .await;
    assert_eq!(bound.status().as_u16(), 200);
    let after_bind = me(&app, &token).await;
    assert_eq!(policy_nos(&after_bind), ["P-CACHE-1", "P-CACHE-2"]);
    // The login answer (one statement on PostgreSQL) names the same account and what it has.
    let again = app.login_ok("dev:cache-user").await;
    assert_eq!(again["user"]["id"], first["id"]);
    assert_eq!(again["user"]["phone_bound"], true);
    assert_eq!(again["user"]["policies_bound"], true);

    // An import that changes a bound policy (the command, as an operator runs it).
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("policies.csv");
    std::fs::write(
        &file,
        format!(
            "policy_no,product_code,insured_name,id_type,id_number,effective_date,status\n\
             P-CACHE-2,{PLAN5},张三丰,resident_id,{id},2026-01-05,surrendered\n"
        ),
    )
    .expect("written");
    let report = green_channel::commands::import_policies(&app.db, &app.state.settings, &file)
        .await
        .expect("imported");
    assert_eq!(report.written, 1);
    let after_import = me(&app, &token).await;
    let statuses: Vec<&str> = after_import["policies"]
        .as_array()
        .expect("policies")
        .iter()
        .map(|p| p["status"].as_str().expect("status"))
        .collect();
    assert_eq!(statuses, ["in_force", "surrendered"], "{after_import}");

    // A revoked session is refused at once, though its user's copy is still in the cache.
    assert_eq!(app.logout(&token).await.status().as_u16(), 204);
    let (status, code, _) = error_body(app.me(&token).await).await;
    assert_eq!((status, code.as_str()), (401, "session_revoked"));
}

crate::on_both_backends!(me_is_cached_and_every_change_shows_at_once);

/// A login reads the account from the cache (no database read on a hit), and a phone or a policy
/// bound through the service shows in the very next login.
async fn login_is_cached_and_every_change_shows_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let shared = app.cache.shared();
    let id = resident_id("11010519800101411");
    add_policies(&app, &id, ["P-LOGIN-1", "P-LOGIN-2"]).await;
    let first = app.login_ok("dev:login-copy").await;
    assert_eq!(first["user"]["policies_bound"], false);
    assert_eq!(first["user"]["phone_bound"], false);

    // Written behind the service's back: a login served from the copy does not see it.
    bind_behind_the_back(&app, "P-LOGIN-1").await;
    let second = app.login_ok("dev:login-copy").await;
    if shared {
        assert_eq!(second["user"], first["user"], "served from the cache");
    } else {
        assert_eq!(second["user"]["policies_bound"], true);
    }
    assert_eq!(app.user_count().await, 1);

    // A phone bound through the service: the next login reads the account again.
    let token = second["access_token"].as_str().expect("token").to_owned();
    assert_eq!(
        app.bind_phone(&token, "dev:13800005678")
            .await
            .status()
            .as_u16(),
        200
    );
    let third = app.login_ok("dev:login-copy").await;
    assert_eq!(third["user"]["id"], first["user"]["id"]);
    assert_eq!(third["user"]["phone_bound"], true);
    assert_eq!(third["user"]["policies_bound"], true);

    // A policy bound through the service, on an account the copy says has one already: the copy
    // is dropped all the same (what it says may have changed).
    let bound = app
        .post_json(
            "/api/v1/policies/bind",
            &json!({"name": "张三丰", "id_type": "resident_id", "id_number": id}),
            Some(&token),
        )
        .await;
    assert_eq!(bound.status().as_u16(), 200);
    let sql = "DELETE FROM policy_binding";
    app.db
        .execute_raw(Statement::from_string(app.db.get_database_backend(), sql))
        .await
        .expect("deleted");
    let fourth = app.login_ok("dev:login-copy").await;
    assert_eq!(fourth["user"]["policies_bound"], false, "read again");
    // Kept again: the next login answers the same from the copy.
    let fifth = app.login_ok("dev:login-copy").await;
    assert_eq!(fifth["user"], fourth["user"]);
    assert_eq!(app.user_count().await, 1);
}

crate::on_both_backends!(login_is_cached_and_every_change_shows_at_once);

/// A login opens its session before it reads the account when this process has seen the openid;
/// a remembered account that does not match what the database says (a replaced database) gets
/// no session: the login answers the database's account, with a session of its own.
async fn a_remembered_account_that_does_not_match_gets_no_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.login_ok("dev:remembered").await;
    let openid = format!(
        "dev-{}",
        &green_channel::platform::crypto::sha256_hex("dev-login|remembered")[..28]
    );
    let user_id: i64 = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT id FROM app_user WHERE openid = '{openid}'"),
        ))
        .await
        .expect("read")
        .expect("the user")
        .try_get("", "id")
        .expect("id");
    assert_eq!(
        app.state.accounts.get(&openid).map(|(id, _)| id),
        Some(user_id)
    );
    let stranger = uuid::Uuid::new_v4();
    app.state
        .accounts
        .remember(openid.clone(), (user_id + 1000, stranger));
    let second = app.login_ok("dev:remembered").await;
    assert_eq!(second["user"]["id"], first["user"]["id"]);
    let token = second["access_token"].as_str().expect("token");
    assert_eq!(me(&app, token).await["id"], first["user"]["id"]);
    assert_eq!(
        app.state.accounts.get(&openid).map(|(id, _)| id),
        Some(user_id),
        "remembered as the database says"
    );
    // Its next login opens the session early again, for the right account.
    let third = app.login_ok("dev:remembered").await;
    let token = third["access_token"].as_str().expect("token");
    assert_eq!(me(&app, token).await["id"], first["user"]["id"]);
}

crate::on_both_backends!(a_remembered_account_that_does_not_match_gets_no_session);

/// Instances share sessions and copies only through Redis.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instance_sees_a_change_made_by_the_first() {
    let app = spawn_app(Backend::Postgres).await;
    let other = crate::helpers::second_instance(&app).await;
    let token = app.login_ok("dev:two-instances").await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let before = me(&other, &token).await;
    assert_eq!(before["phone"], Value::Null);
    assert_eq!(
        app.bind_phone(&token, "dev:13900004321")
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(me(&other, &token).await["phone"], "139****4321");
}

// ---- the protocol, on each cache implementation ----

async fn cache(redis: bool) -> SharedCache {
    let prefix = format!("gct:{}:", unique_suffix());
    if redis {
        Arc::new(redis_cache(&redis_url()).await.scoped(prefix))
    } else {
        Arc::new(memory_cache().scoped(prefix))
    }
}

fn copy() -> GuardedCopy {
    GuardedCopy::new(
        "copy".to_owned(),
        vec![Scope::new("user"), Scope::new("all")],
        Duration::from_secs(60),
    )
}

async fn read(cache: &dyn Cache) -> guarded::Found {
    let copy = copy();
    copy.found(cache.get_many(&copy.keys()).await.expect("read"))
}

const MINUTE: Duration = Duration::from_secs(60);

async fn a_fill_never_outlives_a_change(redis: bool) {
    let cache = cache(redis).await;
    let cache = &*cache;
    let copy = copy();
    let found = read(cache).await;
    assert_eq!(found.current(), None);
    let stored = found.fill(cache, &copy, b"v1").await.expect("fill");
    // An in-process cache caches nothing: another process could not tell it about a change.
    assert_eq!(stored, redis);
    if !redis {
        assert_eq!(read(cache).await.current(), None);
        return;
    }
    assert_eq!(read(cache).await.current(), Some(b"v1".as_slice()));

    // A reader that read before a change and fills after it finished is refused.
    let early = read(cache).await;
    guarded::changing(cache, &[Scope::new("all")], &[], MINUTE, async {
        Ok::<_, green_channel::platform::cache::CacheError>(())
    })
    .await
    .expect("changed");
    assert_eq!(read(cache).await.current(), None, "the version moved on");
    assert!(!early.fill(cache, &copy, b"stale").await.expect("fill"));

    // While a change is under way nothing is used or stored, even with the new version read.
    let change = guarded::begin(cache, &[Scope::new("user")], &["copy"], MINUTE)
        .await
        .expect("begun");
    let during = read(cache).await;
    assert_eq!(during.current(), None);
    assert!(!during.fill(cache, &copy, b"mid-write").await.expect("fill"));
    // Two changes at once: the first to end does not free the scope for the second.
    let second = guarded::begin(cache, &[Scope::new("user")], &[], MINUTE)
        .await
        .expect("begun");
    change.end().await;
    assert!(
        !read(cache)
            .await
            .fill(cache, &copy, b"x")
            .await
            .expect("fill")
    );
    second.end().await;
    let after = read(cache).await;
    assert!(after.fill(cache, &copy, b"v2").await.expect("fill"));
    assert_eq!(read(cache).await.current(), Some(b"v2".as_slice()));

    // A release that never comes: the hold runs out by itself and the cache is used again.
    let lost = guarded::begin(
        cache,
        &[Scope::new("user")],
        &["copy"],
        Duration::from_millis(300),
    )
    .await
    .expect("begun");
    lost.extend().await.expect("extended");
    std::mem::forget(lost);
    assert!(
        !read(cache)
            .await
            .fill(cache, &copy, b"held")
            .await
            .expect("fill")
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    let found = read(cache).await;
    assert!(found.fill(cache, &copy, b"v3").await.expect("fill"));
    assert_eq!(read(cache).await.current(), Some(b"v3".as_slice()));

    // One change of two scopes: both held and both moved on in one step, both released at its end.
    let both = guarded::begin(
        cache,
        &[Scope::new("user"), Scope::new("all")],
        &["copy"],
        MINUTE,
    )
    .await
    .expect("begun");
    let during = read(cache).await;
    assert_eq!(during.current(), None);
    assert!(!during.fill(cache, &copy, b"mid").await.expect("fill"));
    for scope in ["user:h", "all:h"] {
        assert!(cache.get(scope).await.expect("read").is_some(), "{scope}");
    }
    both.end().await;
    for scope in ["user:h", "all:h"] {
        assert!(cache.get(scope).await.expect("read").is_none(), "{scope}");
    }
    let found = read(cache).await;
    assert!(found.fill(cache, &copy, b"v4").await.expect("fill"));
    assert_eq!(read(cache).await.current(), Some(b"v4".as_slice()));
}

mod a_fill_never_outlives_a_change {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn memory() {
        super::a_fill_never_outlives_a_change(false).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn redis() {
        super::a_fill_never_outlives_a_change(true).await
    }
}
