//! Console accounts and sessions: `staff add` with the password on standard input, argon2id,
//! login lockout, audience separation, refresh and logout.

use std::process::Stdio;

use figment::providers::Serialized;
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::binary::green_channel;
use crate::case_support::{PASSWORD, PLAN1_INSURER};
use crate::helpers::{Backend, TestApp, error_body, spawn_app_with};
use crate::on_both_backends;

async fn login(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/staff/auth/login",
        &json!({"login": login, "password": password}),
        None,
    )
    .await
}

async fn add(app: &TestApp, args: &[&str], password: &str) -> anyhow::Result<String> {
    let cli = <green_channel::cli::Cli as clap::Parser>::try_parse_from(
        std::iter::once("green-channel").chain(args.iter().copied()),
    )?;
    let Some(green_channel::cli::Command::Staff { action }) = cli.command else {
        anyhow::bail!("not a staff command");
    };
    let mut out = Vec::new();
    green_channel::commands::staff(
        &app.db,
        &app.state.settings,
        action,
        &mut std::io::Cursor::new(format!("{password}\n")),
        &mut out,
    )
    .await?;
    Ok(String::from_utf8(out)?)
}

async fn console_accounts_and_sessions(backend: Backend) {
    let app = spawn_app_with(backend, |f| {
        f.merge(Serialized::default(
            "limits.staff_login_failures_per_hour",
            3,
        ))
    })
    .await;
    let said = add(
        &app,
        &[
            "staff",
            "add",
            "--login",
            "Li.Na",
            "--role",
            "specialist",
            "--insurer",
            PLAN1_INSURER,
        ],
        PASSWORD,
    )
    .await
    .expect("added");
    assert!(said.contains("li.na") && !said.contains(PASSWORD), "{said}");
    for (args, problem) in [
        (vec!["--login", "x1", "--role", "specialist"], "login"),
        (
            vec!["--login", "viewer1", "--role", "insurer_viewer"],
            "--insurer",
        ),
        (
            vec![
                "--login",
                "admin1",
                "--role",
                "admin",
                "--insurer",
                PLAN1_INSURER,
            ],
            "--insurer",
        ),
        (vec!["--login", "who1", "--role", "boss"], "role"),
        (
            vec![
                "--login",
                "who2",
                "--role",
                "specialist",
                "--insurer",
                "nobody",
            ],
            "nobody",
        ),
        (vec!["--login", "li.na", "--role", "specialist"], "exists"),
    ] {
        let mut full = vec!["staff", "add"];
        full.extend(args);
        let error = add(&app, &full, PASSWORD).await.expect_err("refused");
        assert!(
            error.to_string().contains(problem),
            "{error} should name {problem}"
        );
    }
    let weak = add(
        &app,
        &["staff", "add", "--login", "weak1", "--role", "specialist"],
        "short",
    )
    .await
    .expect_err("refused");
    assert!(weak.to_string().contains("12 characters"));
    let stored = green_channel::staff::accounts::find_by_login(&app.db, "li.na")
        .await
        .expect("query")
        .expect("the account");
    assert!(stored.password_hash.starts_with("$argon2id$"));

    // Wrong password and unknown login are the same answer.
    let (status, code, _) = error_body(login(&app, "li.na", "not the password").await).await;
    assert_eq!((status, code.as_str()), (401, "invalid_credentials"));
    let (status, code, _) = error_body(login(&app, "nobody", PASSWORD).await).await;
    assert_eq!((status, code.as_str()), (401, "invalid_credentials"));

    let session: Value = login(&app, "LI.NA", PASSWORD)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(session["staff"]["role"], "specialist");
    assert_eq!(session["staff"]["insurer"], PLAN1_INSURER);
    let access = session["access_token"].as_str().expect("token").to_owned();
    let queue = |token: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/v1/staff/cases"))
                .bearer_auth(token)
                .send()
                .await
                .expect("sent")
        }
    };
    assert_eq!(queue(access.clone()).await.status().as_u16(), 200);
    // A console token is not a mini-program token, and the other way round.
    assert_eq!(app.me(&access).await.status().as_u16(), 401);
    let user = app.login_ok("dev:console-test").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    assert_eq!(queue(user).await.status().as_u16(), 401);
    // A console refresh token is refused by the mini-program's refresh.
    let refresh = session["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    let (status, _, _) = error_body(app.refresh(&refresh).await).await;
    assert_eq!(status, 401);
    let second: Value = login(&app, "li.na", PASSWORD)
        .await
        .json()
        .await
        .expect("JSON");
    let rotated = app
        .post_json(
            "/api/v1/staff/auth/refresh",
            &json!({"refresh_token": second["refresh_token"]}),
            None,
        )
        .await;
    assert_eq!(rotated.status().as_u16(), 200);
    let rotated: Value = rotated.json().await.expect("JSON");
    let fresh = rotated["access_token"].as_str().expect("token").to_owned();
    assert_eq!(queue(fresh.clone()).await.status().as_u16(), 200);
    // Logout ends the session at once.
    let out = app
        .client
        .post(app.url("/api/v1/staff/auth/logout"))
        .bearer_auth(&fresh)
        .send()
        .await
        .expect("sent");
    assert_eq!(out.status().as_u16(), 204);
    let (status, code, _) = error_body(queue(fresh).await).await;
    assert_eq!((status, code.as_str()), (401, "session_revoked"));

    // Three failures hold the account for an hour, even with the right password.
    for _ in 0..2 {
        let (status, _, _) = error_body(login(&app, "li.na", "wrong again").await).await;
        assert_eq!(status, 401);
    }
    let (status, code, _) = error_body(login(&app, "li.na", PASSWORD).await).await;
    assert_eq!((status, code.as_str()), (429, "login_locked"));

    // A deactivated account loses its open sessions at once.
    {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
        let mut account = stored.into_active_model();
        account.active = Set(false);
        account.update(&app.db).await.expect("deactivated");
    }
    let (status, code, _) = error_body(queue(access).await).await;
    assert_eq!((status, code.as_str()), (401, "session_revoked"));
}

on_both_backends!(console_accounts_and_sessions);

#[tokio::test]
async fn the_binary_reads_the_password_from_standard_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("staff.db").display()
    );
    let mut child = green_channel(
        &[
            "staff",
            "add",
            "--login",
            "zhang.wei",
            "--role",
            "supervisor",
        ],
        &[("APP_DATABASE__URL", &url)],
    )
    .stdin(Stdio::piped())
    .spawn()
    .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .await
        .expect("written");
    drop(stdin);
    let out = child.wait_with_output().await.expect("finished");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("created supervisor account `zhang.wei`"),
        "{stdout}"
    );
    assert!(!stdout.contains(PASSWORD) && !String::from_utf8_lossy(&out.stderr).contains(PASSWORD));
}

/// `staff list`, `disable`, `enable`, `reset-password` through the binary: one line per outcome,
/// the password from standard input only, and an unknown login one error line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_lists_disables_and_resets_accounts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("staff.db").display()
    );
    let env = [("APP_DATABASE__URL", url.as_str())];
    let run = |args: &'static [&'static str], stdin: Option<&'static str>| async move {
        let mut child = green_channel(args, &env)
            .stdin(Stdio::piped())
            .spawn()
            .expect("runs");
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).await.expect("written");
        }
        drop(pipe);
        let out = child.wait_with_output().await.expect("finished");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, err) = run(
        &[
            "staff",
            "add",
            "--login",
            "chen.jing",
            "--role",
            "specialist",
        ],
        Some("a long console password\n"),
    )
    .await;
    assert!(ok, "{err}");
    let (ok, listed, _) = run(&["staff", "list"], None).await;
    assert!(
        ok && listed.contains("chen.jing\tspecialist\t-\tactive"),
        "{listed}"
    );
    let (ok, out, _) = run(&["staff", "disable", "chen.jing"], None).await;
    assert!(ok && out.contains("disabled `chen.jing`"));
    let (_, listed, _) = run(&["staff", "list"], None).await;
    assert!(
        listed.contains("chen.jing\tspecialist\t-\tdisabled"),
        "{listed}"
    );
    let (ok, _, _) = run(&["staff", "enable", "chen.jing"], None).await;
    assert!(ok);
    let (ok, _, err) = run(&["staff", "reset-password", "chen.jing"], Some("short\n")).await;
    assert!(!ok && err.contains("at least 12"), "{err}");
    let (ok, out, err) = run(
        &["staff", "reset-password", "chen.jing"],
        Some("another long password\n"),
    )
    .await;
    assert!(ok && out.contains("reset"), "{err}");
    assert!(!out.contains("another long password") && !err.contains("another long password"));
    let (ok, _, err) = run(&["staff", "disable", "nobody"], None).await;
    assert!(!ok && err.contains("no account `nobody`"), "{err}");
    assert_eq!(
        err.matches("no account `nobody`").count(),
        1,
        "one error line: {err}"
    );
}
