//! One contract for both cache implementations: the in-process one must answer exactly as Redis
//! does, or the embedded profile would hide bugs that production then shows.

use std::sync::Arc;
use std::time::Duration;

use green_channel::platform::cache::{
    CacheError, Counter, GetOrLock, Guard, Reply, SharedCache, Step, Write,
};

use crate::helpers::{memory_cache, redis_cache, redis_url, unique_suffix};

#[derive(Clone, Copy, Debug)]
enum Kind {
    Memory,
    Redis,
}

/// Two views of one store under two prefixes.
async fn caches(kind: Kind) -> (SharedCache, SharedCache) {
    match kind {
        Kind::Memory => {
            let a = memory_cache();
            let b = a.scoped(format!("gct:{}:", unique_suffix()));
            (Arc::new(a), Arc::new(b))
        }
        Kind::Redis => {
            let a = redis_cache(&redis_url()).await;
            let b = a.scoped(format!("gct:{}:", unique_suffix()));
            (Arc::new(a), Arc::new(b))
        }
    }
}

async fn cache(kind: Kind) -> SharedCache {
    caches(kind).await.0
}

const MINUTE: Duration = Duration::from_secs(60);

async fn get_returns_what_set_stored(kind: Kind) {
    let cache = cache(kind).await;
    assert_eq!(cache.get("k").await.expect("get"), None);
    cache.set("k", b"v1", MINUTE).await.expect("set");
    assert_eq!(cache.get("k").await.expect("get"), Some(b"v1".to_vec()));
    cache.set("k", b"v2", MINUTE).await.expect("set");
    assert_eq!(cache.get("k").await.expect("get"), Some(b"v2".to_vec()));
    let ttl = cache.ttl("k").await.expect("ttl").expect("exists");
    assert!(ttl > Duration::from_secs(50) && ttl <= MINUTE, "{ttl:?}");
    assert_eq!(cache.ttl("absent").await.expect("ttl"), None);
}

async fn entries_expire_after_their_ttl(kind: Kind) {
    let cache = cache(kind).await;
    cache
        .set("short", b"v", Duration::from_millis(150))
        .await
        .expect("set");
    assert!(cache.get("short").await.expect("get").is_some());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(cache.get("short").await.expect("get"), None);
    assert_eq!(cache.ttl("short").await.expect("ttl"), None);
}

async fn set_if_absent_takes_a_lock_once(kind: Kind) {
    let cache = cache(kind).await;
    assert!(
        cache
            .set_if_absent("lock", b"me", MINUTE)
            .await
            .expect("nx")
    );
    assert!(
        !cache
            .set_if_absent("lock", b"you", MINUTE)
            .await
            .expect("nx")
    );
    assert_eq!(cache.get("lock").await.expect("get"), Some(b"me".to_vec()));
    // An expired lock can be taken again.
    cache
        .set("lock2", b"old", Duration::from_millis(100))
        .await
        .expect("set");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        cache
            .set_if_absent("lock2", b"new", MINUTE)
            .await
            .expect("nx")
    );
}

async fn concurrent_set_if_absent_has_exactly_one_winner(kind: Kind) {
    let cache = cache(kind).await;
    let attempts = (0..50).map(|i| {
        let cache = cache.clone();
        tokio::spawn(async move {
            cache
                .set_if_absent("contended", format!("{i}").as_bytes(), MINUTE)
                .await
                .expect("nx")
        })
    });
    let mut winners = 0;
    for attempt in attempts {
        if attempt.await.expect("joined") {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}

async fn incr_counts_within_a_fixed_window(kind: Kind) {
    let cache = cache(kind).await;
    let first = cache
        .incr("hits", Duration::from_millis(400))
        .await
        .expect("incr");
    assert_eq!(first.value, 1);
    assert!(first.ttl <= Duration::from_millis(400) && first.ttl > Duration::ZERO);
    let second = cache.incr("hits", MINUTE).await.expect("incr");
    assert_eq!(second.value, 2);
    // The window is kept from the first increment, not extended by later ones.
    assert!(second.ttl <= Duration::from_millis(400), "{:?}", second.ttl);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(cache.incr("hits", MINUTE).await.expect("incr").value, 1);
}

async fn concurrent_increments_are_all_counted(kind: Kind) {
    let cache = cache(kind).await;
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.incr("many", MINUTE).await.expect("incr").value })
        })
        .collect();
    let mut values = Vec::new();
    for task in tasks {
        values.push(task.await.expect("joined"));
    }
    values.sort_unstable();
    assert_eq!(values, (1..=100).collect::<Vec<i64>>());
}

async fn incr_on_a_non_integer_is_an_error(kind: Kind) {
    let cache = cache(kind).await;
    cache.set("text", b"abc", MINUTE).await.expect("set");
    let error = cache
        .incr("text", MINUTE)
        .await
        .expect_err("not an integer");
    assert!(matches!(error, CacheError::NotAnInteger(_)), "{error:?}");
}

async fn delete_removes_and_says_whether_it_did(kind: Kind) {
    let cache = cache(kind).await;
    cache.set("gone", b"v", MINUTE).await.expect("set");
    assert!(cache.delete("gone").await.expect("del"));
    assert!(!cache.delete("gone").await.expect("del"));
    assert_eq!(cache.get("gone").await.expect("get"), None);
}

async fn delete_if_equals_only_removes_the_expected_value(kind: Kind) {
    let cache = cache(kind).await;
    cache.set("token", b"old", MINUTE).await.expect("set");
    assert!(
        !cache
            .delete_if_equals("token", b"other")
            .await
            .expect("cad")
    );
    assert_eq!(
        cache.get("token").await.expect("get"),
        Some(b"old".to_vec())
    );
    assert!(cache.delete_if_equals("token", b"old").await.expect("cad"));
    assert_eq!(cache.get("token").await.expect("get"), None);
    assert!(!cache.delete_if_equals("token", b"old").await.expect("cad"));
}

async fn prefixes_keep_stores_apart(kind: Kind) {
    let (a, b) = caches(kind).await;
    a.set("shared-name", b"a", MINUTE).await.expect("set");
    assert_eq!(b.get("shared-name").await.expect("get"), None);
    assert!(
        b.set_if_absent("shared-name", b"b", MINUTE)
            .await
            .expect("nx")
    );
    assert_eq!(
        a.get("shared-name").await.expect("get"),
        Some(b"a".to_vec())
    );
    assert!(a.delete("shared-name").await.expect("del"));
    assert_eq!(
        b.get("shared-name").await.expect("get"),
        Some(b"b".to_vec())
    );
}

async fn json_values_round_trip(kind: Kind) {
    let cache = cache(kind).await;
    let value = serde_json::json!({"openid": "o-1", "n": 3});
    cache.set_json("json", &value, MINUTE).await.expect("set");
    let read: Option<serde_json::Value> = cache.get_json("json").await.expect("get");
    assert_eq!(read, Some(value));
    cache.set("json", b"not json", MINUTE).await.expect("set");
    let error = cache
        .get_json::<serde_json::Value>("json")
        .await
        .expect_err("undecodable");
    assert!(matches!(error, CacheError::Decode { .. }));
}

async fn get_many_reads_keys_in_their_order(kind: Kind) {
    let cache = cache(kind).await;
    assert!(cache.get_many(&[]).await.expect("mget").is_empty());
    cache.set("a", b"1", MINUTE).await.expect("set");
    cache.set("c", b"3", MINUTE).await.expect("set");
    let keys = ["c", "b", "a"].map(str::to_owned);
    assert_eq!(
        cache.get_many(&keys).await.expect("mget"),
        vec![Some(b"3".to_vec()), None, Some(b"1".to_vec())]
    );
}

fn guard(key: &str, holds: Option<&[u8]>) -> Guard {
    Guard {
        key: key.to_owned(),
        holds: holds.map(<[u8]>::to_vec),
    }
}

async fn set_if_unchanged_needs_every_guard(kind: Kind) {
    let cache = cache(kind).await;
    cache.set("version", b"v1", MINUTE).await.expect("set");
    let guards = [guard("version", Some(b"v1")), guard("hold", None)];
    assert!(
        cache
            .set_if_unchanged("entry", b"first", MINUTE, &guards)
            .await
            .expect("cas")
    );
    assert_eq!(
        cache.get("entry").await.expect("get"),
        Some(b"first".to_vec())
    );
    let ttl = cache.ttl("entry").await.expect("ttl").expect("exists");
    assert!(ttl > Duration::from_secs(50) && ttl <= MINUTE, "{ttl:?}");
    // A changed version refuses the write; so does a present hold; an absent key is not "".
    cache.set("version", b"v2", MINUTE).await.expect("set");
    assert!(
        !cache
            .set_if_unchanged("entry", b"stale", MINUTE, &guards)
            .await
            .expect("cas")
    );
    let guards = [guard("version", Some(b"v2")), guard("hold", None)];
    cache.set("hold", b"", MINUTE).await.expect("set");
    assert!(
        !cache
            .set_if_unchanged("entry", b"held", MINUTE, &guards)
            .await
            .expect("cas")
    );
    assert!(
        !cache
            .set_if_unchanged("entry", b"absent", MINUTE, &[guard("missing", Some(b""))])
            .await
            .expect("cas")
    );
    assert_eq!(
        cache.get("entry").await.expect("get"),
        Some(b"first".to_vec())
    );
    cache.delete("hold").await.expect("del");
    assert!(
        cache
            .set_if_unchanged("entry", b"second", MINUTE, &guards)
            .await
            .expect("cas")
    );
    assert_eq!(
        cache.get("entry").await.expect("get"),
        Some(b"second".to_vec())
    );
    // No guard at all: a plain set.
    assert!(
        cache
            .set_if_unchanged("free", b"x", MINUTE, &[])
            .await
            .expect("cas")
    );
}

async fn apply_writes_and_deletes_in_one_go(kind: Kind) {
    let cache = cache(kind).await;
    cache.set("gone", b"x", MINUTE).await.expect("set");
    cache
        .apply(&[
            Write::Set {
                key: "one".to_owned(),
                value: b"1".to_vec(),
                ttl: MINUTE,
            },
            Write::Delete {
                key: "gone".to_owned(),
            },
            Write::Set {
                key: "short".to_owned(),
                value: b"2".to_vec(),
                ttl: Duration::from_millis(150),
            },
        ])
        .await
        .expect("apply");
    assert_eq!(cache.get("one").await.expect("get"), Some(b"1".to_vec()));
    assert_eq!(cache.get("gone").await.expect("get"), None);
    assert_eq!(cache.get("short").await.expect("get"), Some(b"2".to_vec()));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(cache.get("short").await.expect("get"), None);
    cache.apply(&[]).await.expect("nothing to apply");
}

async fn touch_keeps_a_value_longer_and_creates_none(kind: Kind) {
    let cache = cache(kind).await;
    cache
        .set("idle", b"v", Duration::from_millis(300))
        .await
        .expect("set");
    let touch = |key: &str, ttl| {
        Step::Write(Write::Touch {
            key: key.to_owned(),
            ttl,
        })
    };
    let replies = cache
        .run(&[
            Step::Get {
                key: "idle".to_owned(),
            },
            touch("idle", MINUTE),
            touch("never", MINUTE),
        ])
        .await
        .expect("run");
    assert_eq!(
        replies,
        vec![
            Reply::Value(Some(b"v".to_vec())),
            Reply::Written,
            Reply::Written
        ]
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(cache.get("idle").await.expect("get"), Some(b"v".to_vec()));
    let ttl = cache.ttl("idle").await.expect("ttl").expect("kept");
    assert!(ttl > Duration::from_secs(50), "{ttl:?}");
    assert_eq!(cache.get("never").await.expect("get"), None, "not created");
    // A shorter touch shortens; after a delete, a touch brings nothing back.
    cache
        .apply(&[Write::Touch {
            key: "idle".to_owned(),
            ttl: Duration::from_millis(150),
        }])
        .await
        .expect("touch");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(cache.get("idle").await.expect("get"), None);
}

async fn get_or_lock_reads_or_takes_the_lock_once(kind: Kind) {
    let cache = cache(kind).await;
    let first = cache
        .get_or_lock("value", "value:lock", b"a", MINUTE)
        .await
        .expect("get or lock");
    assert_eq!(first, GetOrLock::Locked);
    assert_eq!(
        cache.get("value:lock").await.expect("get"),
        Some(b"a".to_vec())
    );
    let second = cache
        .get_or_lock("value", "value:lock", b"b", MINUTE)
        .await
        .expect("get or lock");
    assert_eq!(second, GetOrLock::Busy);
    cache.set("value", b"made", MINUTE).await.expect("set");
    let third = cache
        .get_or_lock("value", "value:lock", b"c", MINUTE)
        .await
        .expect("get or lock");
    assert_eq!(third, GetOrLock::Found(b"made".to_vec()));
    // The lock runs out by itself.
    cache.delete("value").await.expect("del");
    cache
        .set("value:lock", b"a", Duration::from_millis(150))
        .await
        .expect("set");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let later = cache
        .get_or_lock("value", "value:lock", b"d", MINUTE)
        .await
        .expect("get or lock");
    assert_eq!(later, GetOrLock::Locked);
}

fn count(key: &str, limit: i64) -> Step {
    Step::Count {
        key: key.to_owned(),
        window: MINUTE,
        limit,
    }
}

fn counted(reply: &Reply) -> i64 {
    match reply {
        Reply::Counted(Counter { value, ttl }) => {
            assert!(*ttl > Duration::ZERO && *ttl <= MINUTE, "{ttl:?}");
            *value
        }
        other => panic!("not a count: {other:?}"),
    }
}

async fn run_stops_at_a_passed_limit(kind: Kind) {
    let cache = cache(kind).await;
    cache.set("seen", b"before", MINUTE).await.expect("set");
    let steps = [
        Step::Write(Write::Set {
            key: "outcome".to_owned(),
            value: b"kept".to_vec(),
            ttl: MINUTE,
        }),
        count("attempts", 2),
        Step::Get {
            key: "seen".to_owned(),
        },
        Step::Get {
            key: "absent".to_owned(),
        },
        Step::GetOrLock {
            key: "made".to_owned(),
            lock: "made:lock".to_owned(),
            owner: b"me".to_vec(),
            ttl: MINUTE,
        },
        Step::Write(Write::Delete {
            key: "seen".to_owned(),
        }),
    ];
    // Within the limit: every step, in order, a reply each.
    let first = cache.run(&steps).await.expect("run");
    assert_eq!(first.len(), steps.len());
    assert_eq!(first[0], Reply::Written);
    assert_eq!(counted(&first[1]), 1);
    assert_eq!(first[2], Reply::Value(Some(b"before".to_vec())));
    assert_eq!(first[3], Reply::Value(None));
    assert_eq!(first[4], Reply::Lock(GetOrLock::Locked));
    assert_eq!(first[5], Reply::Written);
    assert_eq!(cache.get("seen").await.expect("get"), None);
    assert_eq!(
        cache.get("made:lock").await.expect("get"),
        Some(b"me".to_vec())
    );

    cache.set("seen", b"again", MINUTE).await.expect("set");
    let second = cache.run(&steps).await.expect("run");
    assert_eq!(counted(&second[1]), 2);
    assert_eq!(second[2], Reply::Value(Some(b"again".to_vec())));
    assert_eq!(second[4], Reply::Lock(GetOrLock::Busy));

    // Past the limit: what came before the count happened, nothing after it did.
    cache.set("seen", b"third", MINUTE).await.expect("set");
    cache.delete("outcome").await.expect("del");
    let third = cache.run(&steps).await.expect("run");
    assert_eq!(third.len(), 2, "{third:?}");
    assert_eq!(third[0], Reply::Written);
    assert_eq!(counted(&third[1]), 3);
    assert_eq!(
        cache.get("outcome").await.expect("get"),
        Some(b"kept".to_vec())
    );
    assert_eq!(
        cache.get("seen").await.expect("get"),
        Some(b"third".to_vec()),
        "the delete after the count did not run"
    );

    // A count on a value that is not a counter is an error, as with incr.
    cache.set("text", b"abc", MINUTE).await.expect("set");
    let error = cache
        .run(&[count("text", 5)])
        .await
        .expect_err("not a counter");
    assert!(matches!(error, CacheError::NotAnInteger(_)), "{error:?}");
    assert_eq!(cache.run(&[]).await.expect("nothing to run"), Vec::new());
}

async fn ping_answers(kind: Kind) {
    cache(kind).await.ping().await.expect("ping");
}

macro_rules! cache_contract {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn memory() {
                    super::$name(super::Kind::Memory).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn redis() {
                    super::$name(super::Kind::Redis).await
                }
            }
        )*
    };
}

cache_contract!(
    run_stops_at_a_passed_limit,
    touch_keeps_a_value_longer_and_creates_none,
    get_or_lock_reads_or_takes_the_lock_once,
    get_many_reads_keys_in_their_order,
    set_if_unchanged_needs_every_guard,
    apply_writes_and_deletes_in_one_go,
    get_returns_what_set_stored,
    entries_expire_after_their_ttl,
    set_if_absent_takes_a_lock_once,
    concurrent_set_if_absent_has_exactly_one_winner,
    incr_counts_within_a_fixed_window,
    concurrent_increments_are_all_counted,
    incr_on_a_non_integer_is_an_error,
    delete_removes_and_says_whether_it_did,
    delete_if_equals_only_removes_the_expected_value,
    prefixes_keep_stores_apart,
    json_values_round_trip,
    ping_answers,
);
