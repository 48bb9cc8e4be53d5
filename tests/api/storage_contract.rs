//! The object storage port's contract: both backends (a local directory, and the real S3
//! server scripts/test starts) behave the same for everything the service relies on.

use bytes::Bytes;
use figment::providers::Serialized;
use futures_util::TryStreamExt;
use green_channel::platform::config::{Profile, Settings, StorageBackend};
use green_channel::platform::storage::{ObjectStore, StorageError};

use crate::helpers::{s3_settings, unique_suffix};

fn store(backend: StorageBackend, dir: &tempfile::TempDir) -> ObjectStore {
    let mut figment = Settings::figment(Profile::Local)
        .merge(Serialized::default("database.url", "sqlite::memory:"))
        .merge(Serialized::default(
            "storage.root",
            dir.path().join("objects").to_string_lossy(),
        ));
    if backend == StorageBackend::S3 {
        for (key, value) in s3_settings(&format!("gct-{}", unique_suffix())) {
            figment = figment.merge(Serialized::default(key, value));
        }
    }
    let settings = Settings::from_figment(Profile::Local, figment).expect("settings");
    assert_eq!(settings.storage.backend, backend);
    ObjectStore::from_settings(&settings.storage).expect("a store")
}

async fn contract(backend: StorageBackend) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = store(backend, &dir);
    store.check().await.expect("the store answers");

    // Absent objects.
    assert!(matches!(
        store.get("cases/a/none").await,
        Err(StorageError::NotFound)
    ));
    assert!(matches!(
        store.stream("cases/a/none").await,
        Err(StorageError::NotFound)
    ));
    assert!(!store.exists("cases/a/none").await.expect("exists"));
    store
        .delete("cases/a/none")
        .await
        .expect("deleting nothing is fine");
    assert!(store.list("cases/").await.expect("list").is_empty());

    // Write, read whole and streamed, overwrite.
    let big: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
    store
        .put("cases/a/doc1", Bytes::from(big.clone()), "image/jpeg")
        .await
        .expect("put");
    store
        .put(
            "cases/a/doc1.thumb",
            Bytes::from_static(b"thumb"),
            "image/jpeg",
        )
        .await
        .expect("put");
    store
        .put("cases/b/doc2", Bytes::from_static(b"other"), "image/png")
        .await
        .expect("put");
    assert!(store.exists("cases/a/doc1").await.expect("exists"));
    assert_eq!(
        store.get("cases/a/doc1").await.expect("get").as_ref(),
        &big[..]
    );
    let streamed = store.stream("cases/a/doc1").await.expect("stream");
    assert_eq!(streamed.length, big.len() as u64);
    let chunks: Vec<Bytes> = streamed.chunks.try_collect().await.expect("chunks");
    assert_eq!(chunks.concat(), big);
    store
        .put("cases/b/doc2", Bytes::from_static(b"replaced"), "image/png")
        .await
        .expect("overwrite");
    assert_eq!(
        store.get("cases/b/doc2").await.expect("get").as_ref(),
        b"replaced"
    );

    // Listing by prefix, recursively.
    assert_eq!(
        store.list("cases/a/").await.expect("list"),
        vec!["cases/a/doc1".to_owned(), "cases/a/doc1.thumb".to_owned()]
    );
    assert_eq!(store.list("cases/").await.expect("list").len(), 3);

    // Deleting.
    store.delete("cases/a/doc1").await.expect("delete");
    assert!(!store.exists("cases/a/doc1").await.expect("exists"));
    assert!(matches!(
        store.get("cases/a/doc1").await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(
        store.list("cases/a/").await.expect("list"),
        vec!["cases/a/doc1.thumb".to_owned()]
    );
}

#[tokio::test]
async fn local_directory_meets_the_contract() {
    contract(StorageBackend::Fs).await;
}

#[tokio::test]
async fn s3_server_meets_the_contract() {
    contract(StorageBackend::S3).await;
}

#[tokio::test]
async fn s3_with_a_wrong_secret_is_refused_by_the_server() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut figment = Settings::figment(Profile::Local)
        .merge(Serialized::default("database.url", "sqlite::memory:"));
    for (key, value) in s3_settings(&format!("gct-{}", unique_suffix())) {
        figment = figment.merge(Serialized::default(key, value));
    }
    figment = figment
        .merge(Serialized::default(
            "storage.secret_access_key",
            "not-the-secret",
        ))
        .merge(Serialized::default("storage.retries", 0));
    let settings = Settings::from_figment(Profile::Local, figment).expect("settings");
    let store = ObjectStore::from_settings(&settings.storage).expect("a store");
    let put = store
        .put("cases/x/y", Bytes::from_static(b"z"), "image/jpeg")
        .await;
    assert!(matches!(put, Err(StorageError::Backend(_))), "{put:?}");
    drop(dir);
}
