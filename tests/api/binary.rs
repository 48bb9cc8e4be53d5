//! The `green-channel` binary itself: refusing bad production settings, migrations, and a
//! graceful stop on SIGTERM that lets an in-flight request finish.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::helpers::create_postgres_database;

pub const BINARY: &str = env!("CARGO_BIN_EXE_green-channel");

/// The binary with a clean environment: only what the test sets.
pub fn green_channel(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BINARY);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

const PRODUCTION: &[(&str, &str)] = &[
    ("APP_PROFILE", "production"),
    (
        "APP_DATABASE__URL",
        "postgres://app:pw@127.0.0.1:1/green_channel",
    ),
    ("APP_REDIS__URL", "redis://127.0.0.1:1"),
    ("APP_STORAGE__ENDPOINT", "http://127.0.0.1:1"),
    ("APP_STORAGE__BUCKET", "green-channel"),
    ("APP_STORAGE__ACCESS_KEY_ID", "minio"),
    ("APP_STORAGE__SECRET_ACCESS_KEY", "minio-secret"),
    ("APP_WECHAT__APP_ID", "wx0123456789abcdef"),
    ("APP_WECHAT__APP_SECRET", "0123456789abcdef0123456789abcdef"),
    ("APP_JWT__SECRET", "0123456789abcdef0123456789abcdef-prod"),
    (
        "APP_SERVER__OPS_TOKEN",
        "0123456789abcdef0123456789abcdef-ops",
    ),
    (
        "APP_CRYPTO__DATA_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    ),
    (
        "APP_CRYPTO__INDEX_KEY",
        "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
    ),
    ("APP_WECHAT__PUSH_TOKEN", "pushToken2026"),
    (
        "APP_WECHAT__ENCODING_AES_KEY",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    ),
];

fn production_with(
    change: &[(&'static str, Option<&'static str>)],
) -> Vec<(&'static str, &'static str)> {
    let mut env: Vec<_> = PRODUCTION
        .iter()
        .copied()
        .filter(|(k, _)| !change.iter().any(|(c, _)| c == k))
        .collect();
    env.extend(change.iter().filter_map(|(k, v)| v.map(|v| (*k, v))));
    env
}

async fn refused_with(env: Vec<(&str, &str)>, naming: &str) {
    let output = green_channel(&["serve"], &env)
        .output()
        .await
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "refused to start: {stderr}");
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.lines().any(|line| line.contains(naming)),
        "one line names {naming}: {stderr}"
    );
    // Never echo a secret back.
    assert!(!stderr.contains("minio-secret") && !stderr.contains("0123456789abcdef0123"));
}

#[tokio::test]
async fn production_refuses_to_start_without_the_jwt_secret() {
    refused_with(
        production_with(&[("APP_JWT__SECRET", None)]),
        "APP_JWT__SECRET is missing",
    )
    .await;
}

#[tokio::test]
async fn production_refuses_to_start_without_the_wechat_secret() {
    refused_with(
        production_with(&[("APP_WECHAT__APP_SECRET", None)]),
        "APP_WECHAT__APP_SECRET is missing",
    )
    .await;
}

#[tokio::test]
async fn production_refuses_to_start_on_sqlite() {
    refused_with(
        production_with(&[("APP_DATABASE__URL", Some("sqlite://var/x.db?mode=rwc"))]),
        "APP_DATABASE__URL points at SQLite",
    )
    .await;
}

#[tokio::test]
async fn production_refuses_a_short_jwt_secret_and_dev_switches() {
    refused_with(
        production_with(&[("APP_JWT__SECRET", Some("too-short"))]),
        "APP_JWT__SECRET is too short",
    )
    .await;
    refused_with(
        production_with(&[("APP_CACHE__BACKEND", Some("memory"))]),
        "APP_CACHE__BACKEND is memory",
    )
    .await;
    refused_with(
        production_with(&[("APP_WECHAT__DEV_LOGIN", Some("true"))]),
        "APP_WECHAT__DEV_LOGIN",
    )
    .await;
    refused_with(
        production_with(&[("APP_CLOCK__NOW", Some("2026-03-31T10:00:00+08:00"))]),
        "APP_CLOCK__NOW",
    )
    .await;
}

/// Production refuses the shipped template placeholders before it connects to anything, naming
/// the file and each template.
#[tokio::test]
async fn production_refuses_placeholder_subscribe_templates() {
    let output = green_channel(&["worker"], &production_with(&[]))
        .output()
        .await
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("subscribe_templates.toml")
            && stderr.contains("templates.progress.id is a local placeholder"),
        "{stderr}"
    );
    let mut own = tempfile::NamedTempFile::new().expect("a file");
    let shipped = std::fs::read_to_string("config/subscribe_templates.toml").expect("shipped");
    std::io::Write::write_all(&mut own, shipped.replace("local-", "wx-tmpl-").as_bytes())
        .expect("written");
    let path = own.path().display().to_string();
    let env: Vec<(&str, &str)> = production_with(&[])
        .into_iter()
        .chain([("APP_NOTIFICATIONS__TEMPLATES_FILE", path.as_str())])
        .collect();
    let output = green_channel(&["worker"], &env)
        .output()
        .await
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Past the templates: it now fails on the unreachable database instead.
    assert!(!stderr.contains("subscribe templates"), "{stderr}");
    assert!(!output.status.success());
}

async fn migrate_applies_lists_and_rolls_back(url: &str) {
    let env = [("APP_DATABASE__URL", url)];
    let run = |args: &'static [&'static str]| {
        let command = green_channel(args, &env).output();
        async move {
            let out = command.await.expect("runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
    };
    let states = |status: &str| -> Vec<(String, String)> {
        status
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(state, name)| (state.to_owned(), name.trim().to_owned()))
            .collect()
    };
    let before = states(&run(&["migrate", "status"]).await);
    assert!(before.len() >= 3, "{before:?}");
    assert!(
        before.iter().all(|(state, _)| state == "pending"),
        "{before:?}"
    );
    assert_eq!(before[0].1, "m20261121_000001_create_app_user");
    run(&["migrate", "up"]).await;
    let after = states(&run(&["migrate", "status"]).await);
    assert!(
        after.iter().all(|(state, _)| state == "applied"),
        "{after:?}"
    );
    run(&["migrate", "down", "-n", "1"]).await;
    let rolled = states(&run(&["migrate", "status"]).await);
    let (last, earlier) = rolled.split_last().expect("migrations");
    assert_eq!(last.0, "pending", "{rolled:?}");
    assert!(
        earlier.iter().all(|(state, _)| state == "applied"),
        "{rolled:?}"
    );
    // Every `down` works: all the way back, then all the way up again.
    run(&["migrate", "down", "-n", "100"]).await;
    assert!(!run(&["migrate", "status"]).await.contains("applied"));
    run(&["migrate", "up"]).await;
    assert!(!run(&["migrate", "status"]).await.contains("pending"));
}

#[tokio::test]
async fn migrate_applies_lists_and_rolls_back_on_postgres() {
    let (_, url) = create_postgres_database().await;
    migrate_applies_lists_and_rolls_back(&url).await;
}

#[tokio::test]
async fn migrate_applies_lists_and_rolls_back_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display());
    migrate_applies_lists_and_rolls_back(&url).await;
}

/// Starts `serve` on a free port in the embedded profile and returns it with its base URL.
async fn serve_embedded(dir: &tempfile::TempDir) -> (Child, String) {
    serve_with(dir, &[], None).await
}

/// `serve` with extra settings; its logs go to `log_file` when given.
pub async fn serve_with(
    dir: &tempfile::TempDir,
    extra: &[(&str, &str)],
    log_file: Option<std::fs::File>,
) -> (Child, String) {
    serve_in(dir, extra, log_file, None).await
}

/// `serve_with`, started in `working_dir` when given (the test's own directory otherwise).
async fn serve_in(
    dir: &tempfile::TempDir,
    extra: &[(&str, &str)],
    log_file: Option<std::fs::File>,
    working_dir: Option<&std::path::Path>,
) -> (Child, String) {
    // The tests' own HTTP clients need the TLS provider the app installs for its own.
    green_channel::platform::crypto::install_tls_provider();
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("gc.db").display());
    let storage = dir.path().join("storage").display().to_string();
    let mut env = vec![
        ("APP_SERVER__PORT", "0"),
        ("APP_SERVER__WORKERS", "1"),
        ("APP_SERVER__SHUTDOWN_TIMEOUT_SECS", "10"),
        ("APP_DATABASE__URL", db.as_str()),
        ("APP_STORAGE__ROOT", storage.as_str()),
        ("APP_CLOCK__ADJUSTABLE", "true"),
    ];
    env.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    env.extend_from_slice(extra);
    let mut command = green_channel(&["serve"], &env);
    if let Some(file) = log_file {
        command.stderr(Stdio::from(file));
    }
    if let Some(cwd) = working_dir {
        command.current_dir(cwd);
    }
    let mut child = command.spawn().expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("it says where it listens")
        .expect("readable")
        .expect("a line");
    let base = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .expect("a URL in the line")
        .to_owned();
    assert!(
        line.contains("/docs/"),
        "it says where the docs are: {line}"
    );
    (child, base)
}

/// A supervisor that never reads standard output (its read end closed) must not stop the
/// service: the start-up lines fail to write and are dropped, the service serves on.
#[tokio::test]
async fn a_closed_standard_output_does_not_stop_the_service() {
    green_channel::platform::crypto::install_tls_provider();
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("gc.db").display());
    let storage = dir.path().join("storage").display().to_string();
    // A socket whose other end is already gone: every write to it fails (EPIPE).
    let (closed, reader) = std::os::unix::net::UnixStream::pair().expect("a pair");
    drop(reader);
    let mut child = green_channel(
        &["serve"],
        &[
            ("APP_SERVER__PORT", port.as_str()),
            ("APP_SERVER__WORKERS", "1"),
            ("APP_DATABASE__URL", db.as_str()),
            ("APP_STORAGE__ROOT", storage.as_str()),
        ],
    )
    .stdout(Stdio::from(std::os::fd::OwnedFd::from(closed)))
    .spawn()
    .expect("the binary starts");
    let url = format!("http://127.0.0.1:{port}/health/live");
    let mut live = false;
    for _ in 0..150 {
        if reqwest::get(&url)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            live = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(live, "the service answers");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        child.try_wait().expect("status").is_none(),
        "the service is still running"
    );
    assert!(
        reqwest::get(&url)
            .await
            .is_ok_and(|r| r.status().is_success())
    );
    child.start_kill().expect("stopped");
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_request_finish() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut child, base) = serve_embedded(&dir).await;
    let address = base.trim_start_matches("http://");

    // Send the headers and half the body, then SIGTERM, then the rest of the body.
    let body = br#"{"now": "2026-03-31T10:00:00+08:00"}"#;
    let (first, rest) = body.split_at(10);
    let mut stream = TcpStream::connect(address).await.expect("connects");
    let head = format!(
        "PUT /api/v1/dev/clock HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(first).await.expect("write");
    stream.flush().await.expect("flush");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let pid = child.id().expect("running").to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("kill runs");
    assert!(killed.success());
    tokio::time::sleep(Duration::from_millis(300)).await;

    // New connections are refused while the old one is served.
    assert!(
        TcpStream::connect(address).await.is_err()
            || reqwest::get(format!("{base}/health/live")).await.is_err(),
        "no new work is accepted after SIGTERM"
    );

    stream.write_all(rest).await.expect("write the rest");
    let mut response = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        stream.read_to_string(&mut response),
    )
    .await
    .expect("answered in time")
    .expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("2026-03-31T10:00:0"), "{response}");

    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("it exits")
        .expect("status");
    assert!(status.success(), "a graceful stop exits 0: {status:?}");
}

#[tokio::test]
async fn the_embedded_profile_serves_with_nothing_configured() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut child, base) = serve_embedded(&dir).await;
    let ready = reqwest::get(format!("{base}/health/ready"))
        .await
        .expect("answers");
    assert_eq!(ready.status().as_u16(), 200);
    assert!(
        dir.path().join("gc.db").exists(),
        "the SQLite file is created"
    );
    let doc: serde_json::Value = reqwest::get(format!("{base}/api-docs/openapi.json"))
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    child.start_kill().expect("stop it");
    let _ = child.wait().await;
}

/// Started from another working directory (a supervisor's `/`, a temporary one), the service
/// still finds its plan files and subscribe templates (issue 28).
#[tokio::test]
async fn the_service_finds_its_files_from_any_working_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Started inside the temporary directory: no plan file or template there.
    let (mut child, base) = serve_in(&dir, &[], None, Some(dir.path())).await;
    let ready = reqwest::get(format!("{base}/health/ready"))
        .await
        .expect("answers");
    assert_eq!(ready.status().as_u16(), 200);
    child.start_kill().expect("stop it");
    let _ = child.wait().await;
}

#[tokio::test]
async fn import_holidays_adds_a_newly_published_year_and_refuses_an_empty_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("h.db").display());
    let env = [("APP_DATABASE__URL", url.as_str())];
    let up = green_channel(&["migrate", "up"], &env)
        .output()
        .await
        .expect("runs");
    assert!(up.status.success());
    let published = dir.path().join("2027.json");
    std::fs::write(
        &published,
        r#"{"year": 2027, "papers": ["https://www.gov.cn/example"], "days": [
            {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
            {"name": "春节", "date": "2027-02-06", "isOffDay": false}
        ]}"#,
    )
    .expect("write");
    let out = green_channel(
        &["import-holidays", published.to_str().expect("utf-8")],
        &env,
    )
    .output()
    .await
    .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported the 2027 calendar: 2 days"));

    let db = sea_orm::Database::connect(&url).await.expect("open");
    let calendar = green_channel::calendar::store::load(&db)
        .await
        .expect("load");
    assert!(calendar.is_published(2027));
    let saturday: chrono::NaiveDate = "2027-02-06".parse().expect("date");
    assert!(
        calendar.is_working_day(saturday).value,
        "the make-up Saturday works"
    );

    let empty = dir.path().join("2028.json");
    std::fs::write(&empty, r#"{"year": 2028, "papers": [], "days": []}"#).expect("write");
    let out = green_channel(&["import-holidays", empty.to_str().expect("utf-8")], &env)
        .output()
        .await
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not published yet"));
    let wrong = dir.path().join("bad.json");
    std::fs::write(
        &wrong,
        r#"{"year": 2027, "days": [{"name": "x", "date": "2025-05-01", "isOffDay": true}]}"#,
    )
    .expect("write");
    let out = green_channel(&["import-holidays", wrong.to_str().expect("utf-8")], &env)
        .output()
        .await
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the calendar year"));
}

/// A newcomer's first hour: `demo` loads what to try the service with, prints how to log in,
/// and can run again; production refuses it.
#[tokio::test]
async fn demo_loads_policies_accounts_and_cases_to_try() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = format!("sqlite://{}?mode=rwc", dir.path().join("gc.db").display());
    let storage = dir.path().join("storage").display().to_string();
    let env = [
        ("APP_DATABASE__URL", db.as_str()),
        ("APP_STORAGE__ROOT", storage.as_str()),
        ("APP_LOG__FILTER", "warn"),
    ];
    let mut printed = String::new();
    for run in 0..2 {
        let out = green_channel(&["demo"], &env).output().await.expect("runs");
        printed = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "run {run}: {}{printed}",
            String::from_utf8_lossy(&out.stderr)
        );
        for expected in [
            "王小明",
            "陈建国",
            "demo-specialist",
            "demo-admin",
            "GC",
            // Each case as the API has it (the arranged one in the insured's words).
            "已安排",
        ] {
            assert!(
                printed.contains(expected),
                "run {run}: {expected} in {printed}"
            );
        }
    }
    // What it printed works: the specialist's password, and a policy to bind.
    let password = printed
        .lines()
        .find(|l| l.trim_start().starts_with("demo-specialist"))
        .and_then(|l| l.split_whitespace().last())
        .expect("a password")
        .to_owned();
    let (mut child, base) = serve_with(&dir, &[("APP_DATABASE__URL", db.as_str())], None).await;
    let client = reqwest::Client::new();
    let staff = client
        .post(format!("{base}/api/v1/staff/auth/login"))
        .json(&serde_json::json!({"login": "demo-specialist", "password": password}))
        .send()
        .await
        .expect("sent");
    assert_eq!(staff.status().as_u16(), 200);
    let token: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/wechat-login"))
        .json(&serde_json::json!({"code": "dev:demo-plan1"}))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    let id_number = printed
        .lines()
        .find(|l| l.contains("王小明"))
        .and_then(|l| l.split_whitespace().nth(2))
        .expect("an ID number")
        .to_owned();
    let bound = client
        .post(format!("{base}/api/v1/policies/bind"))
        .bearer_auth(token["access_token"].as_str().expect("token"))
        .json(&serde_json::json!({"name": "王小明", "id_type": "resident_id", "id_number": id_number}))
        .send()
        .await
        .expect("sent");
    assert_eq!(bound.status().as_u16(), 200);
    child.start_kill().ok();

    let refused = green_channel(&["demo"], &production_with(&[]))
        .output()
        .await
        .expect("runs");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("local profile only"));
}
