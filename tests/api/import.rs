//! `import-policies`: per-line errors, idempotent upserts, nothing half-imported on a crash,
//! and no ID number or phone in clear anywhere in the database.

use std::time::Duration;

use green_channel::policies::store;
use sea_orm::{ConnectionTrait, Database, Statement};

use crate::binary::green_channel;
use crate::helpers::create_postgres_database;
use crate::registry::resident_id;

const HEADER: &str = "policy_no,product_code,insured_name,id_type,id_number,phone,effective_date,expiry_date,cooling_off_end,status,sum_insured_ok\n";

fn row(i: usize) -> String {
    let id = resident_id(&format!("110105198{:01}0101{:03}", i % 10, i % 1000));
    format!(
        "IMP-{i:06},yingshi-ci-green-channel,测试{},resident_id,{id},139{:08},2026-01-01,,,in_force,true\n",
        ["甲", "乙", "丙", "丁"][i % 4],
        i
    )
}

async fn run(url: &str, file: &std::path::Path) -> std::process::Output {
    green_channel(
        &["import-policies", file.to_str().expect("utf-8")],
        &[("APP_DATABASE__URL", url)],
    )
    .output()
    .await
    .expect("runs")
}

async fn count(url: &str) -> u64 {
    let db = Database::connect(url).await.expect("open");
    store::count(&db).await.expect("count")
}

async fn bad_rows_are_reported_by_line_and_the_rest_is_imported(
    url: &str,
    dir: &tempfile::TempDir,
) {
    let mut csv = String::from(HEADER);
    for i in 0..20 {
        csv.push_str(&row(i));
    }
    // Line 23: a wrong check digit; line 24: an unknown product and a bad date; line 25: too
    // few columns. (The header is line 1, the 20 good rows are lines 2–21, one more good at 22.)
    csv.push_str(&row(20));
    csv.push_str(
        "BAD-1,yingshi-ci-green-channel,张三,resident_id,110105194912310021,,2026-01-01,,,,\n",
    );
    csv.push_str("BAD-2,no-such-product,李四,resident_id,11010519491231002X,,2026/01/01,,,,\n");
    csv.push_str("BAD-3,yingshi-ci-green-channel,王五\n");
    let file = dir.path().join("policies.csv");
    std::fs::write(&file, &csv).expect("write");
    let out = run(url, &file).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success(),
        "rejected rows make the exit non-zero"
    );
    assert!(
        stdout.contains("24 rows read, 21 policies written, 3 rows rejected"),
        "{stdout}"
    );
    let reported: Vec<&str> = stderr.lines().filter(|l| l.starts_with("line ")).collect();
    assert_eq!(
        reported,
        [
            "line 23: id_number: the resident ID number's check digit does not match",
            "line 24: product_code: not a product in products/",
            "line 24: effective_date: must be a date written YYYY-MM-DD",
            "line 25: row: 3 columns where the header has 11",
        ],
        "{stderr}"
    );
    assert!(
        !stderr.contains("110105194912310021"),
        "values are never echoed"
    );
    assert_eq!(count(url).await, 21);

    // Again: the same 21 policies, updated in place.
    run(url, &file).await;
    assert_eq!(count(url).await, 21);
}

async fn no_identity_number_or_phone_is_stored_in_clear(url: &str) {
    let db = Database::connect(url).await.expect("open");
    let sample = store::find_by_no(&db, "IMP-000007")
        .await
        .expect("query")
        .expect("row");
    assert!(sample.id_number_masked.contains("********"));
    // Row 7 of the file: the same generator, so the test knows the clear values it must not find.
    let id = resident_id("11010519870101007");
    let id = id.as_str();
    assert_eq!(
        sample.id_number_masked,
        format!("{}********{}", &id[..6], &id[14..])
    );
    let phone = "13900000007";
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "SELECT t::text AS row FROM policy t",
        _ => {
            "SELECT policy_no || '|' || insured_name || '|' || id_type || '|' || hex(id_number_enc) || '|' || id_number_hash || '|' || id_number_masked || '|' || coalesce(hex(phone_enc), '') || '|' || coalesce(phone_hash, '') AS row FROM policy"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 21);
    for row in rows {
        let text: String = row.try_get("", "row").expect("row text");
        assert!(!text.contains(id), "an ID number in clear: {text}");
        assert!(!text.contains(phone), "a phone number in clear: {text}");
        assert!(!text.contains(&id[6..14]), "a birth date in clear: {text}");
    }
}

#[tokio::test]
async fn importing_on_postgres_reports_bad_lines_and_stores_nothing_in_clear() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, url) = create_postgres_database().await;
    bad_rows_are_reported_by_line_and_the_rest_is_imported(&url, &dir).await;
    no_identity_number_or_phone_is_stored_in_clear(&url).await;
}

#[tokio::test]
async fn importing_on_sqlite_reports_bad_lines_and_stores_nothing_in_clear() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("import.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    bad_rows_are_reported_by_line_and_the_rest_is_imported(&url, &dir).await;
    no_identity_number_or_phone_is_stored_in_clear(&url).await;
    // The whole file, WAL included: not a single ID number in clear.
    let mut bytes = std::fs::read(&path).expect("db file");
    if let Ok(wal) = std::fs::read(dir.path().join("import.db-wal")) {
        bytes.extend(wal);
    }
    let haystack = String::from_utf8_lossy(&bytes);
    let id = resident_id("11010519870101007");
    assert!(
        !haystack.contains(&id),
        "the SQLite file holds an ID number in clear"
    );
    assert!(!haystack.contains("13900000007"));
}

#[tokio::test]
async fn a_killed_import_leaves_nothing_half_imported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, url) = create_postgres_database().await;
    let mut csv = String::from(HEADER);
    for i in 0..60_000 {
        csv.push_str(&row(i));
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, &csv).expect("write");
    let mut child = green_channel(
        &["import-policies", file.to_str().expect("utf-8")],
        &[("APP_DATABASE__URL", url.as_str())],
    )
    .spawn()
    .expect("starts");
    // Let it get well into the file (past the schema and a few batches), then kill it hard.
    let db = Database::connect(&url).await.expect("open");
    let mut waited = Duration::ZERO;
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
        let busy = db
            .query_one_raw(Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT count(*) AS n FROM pg_stat_activity WHERE query ILIKE 'INSERT INTO \"policy\"%'",
            ))
            .await
            .ok()
            .flatten()
            .and_then(|r| r.try_get::<i64>("", "n").ok())
            .unwrap_or(0);
        if busy > 0 || waited > Duration::from_secs(20) {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        child.try_wait().expect("status").is_none(),
        "the import was still running after {waited:?} (make the file bigger if this machine is faster)"
    );
    child.start_kill().expect("kill -9");
    let status = child.wait().await.expect("exit");
    assert!(!status.success(), "killed before it finished ({status:?})");
    assert_eq!(count(&url).await, 0, "all or nothing");
}
