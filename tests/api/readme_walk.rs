//! The README's walk of the mini-program as a newcomer runs it (issue 28 §3): in a clean
//! directory, `demo`, then `serve` (in the background here, in a terminal of its own there),
//! then the README's own block in bash; then started over as the README says (the service
//! stopped, `var/` removed, `demo` again) and walked again. Every step answers 2xx and the case
//! ends submitted, both times. `probe` (the containers' healthcheck) answers for the running
//! service and fails once it has stopped.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::binary::green_channel;
use crate::doc_support::jpeg;

/// The walk's shell block, between the README's markers.
fn walk_block() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("the README");
    let begin = readme
        .find("<!-- walk:begin")
        .expect("the walk's begin marker");
    let rest = &readme[begin..];
    let open = rest.find("```sh\n").expect("the walk's shell block") + "```sh\n".len();
    let close = rest
        .find("```\n<!-- walk:end -->")
        .expect("the walk's end marker");
    rest[open..close].to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

async fn run(dir: &Path, args: &[&str], port: &str) -> std::process::Output {
    green_channel(args, &[("APP_SERVER__PORT", port)])
        .current_dir(dir)
        .output()
        .await
        .expect("the binary runs")
}

async fn walk_once(dir: &Path, block: &str, round: u8) {
    let port = free_port().to_string();
    let demo = run(dir, &["demo"], &port).await;
    let printed = String::from_utf8_lossy(&demo.stdout);
    assert!(
        demo.status.success(),
        "round {round}: demo: {printed}{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    assert!(
        printed.starts_with("Demo data loaded.") && printed.contains("dev:demo-plan1"),
        "round {round}: demo prints its summary first: {printed}"
    );
    // Nothing but warnings before it (issue 28: not 78 log lines).
    assert!(
        demo.stderr.is_empty(),
        "round {round}: demo logs: {}",
        String::from_utf8_lossy(&demo.stderr)
    );
    // Each case as the API has it now: a draft, one in the queue, one arranged.
    for state in ["待提交", "已提交，等待审核", "已安排"] {
        assert!(printed.contains(state), "round {round}: {state}: {printed}");
    }
    let mut server = green_channel(&["serve"], &[("APP_SERVER__PORT", &port)])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let base = format!("http://127.0.0.1:{port}");
    let ready = async {
        loop {
            if reqwest::get(format!("{base}/health/ready"))
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(60), ready)
        .await
        .expect("the service ready within a minute");
    assert!(
        run(dir, &["probe"], &port).await.status.success(),
        "round {round}: probe finds the service ready"
    );

    let walk = tokio::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", block])
        .current_dir(dir)
        .env("base", &base)
        .output()
        .await
        .expect("bash runs the walk");
    let (out, steps) = (
        String::from_utf8_lossy(&walk.stdout),
        String::from_utf8_lossy(&walk.stderr),
    );
    assert!(walk.status.success(), "round {round}: {steps}{out}");
    let named: Vec<&str> = steps
        .lines()
        .filter_map(|l| l.split_once(": HTTP "))
        .map(|(step, status)| {
            assert!(
                status.starts_with('2'),
                "round {round}: {step} answered {status}: {steps}{out}"
            );
            step
        })
        .collect();
    assert_eq!(
        named,
        [
            "login",
            "bind",
            "entitlements",
            "apply",
            "consents",
            "consent",
            "upload",
            "submit"
        ],
        "round {round}: {steps}"
    );
    let printed: Vec<&str> = out.lines().collect();
    assert_eq!(
        printed,
        ["重大疾病二次诊断（专家门诊）", "pending", "submitted"],
        "round {round}: what the walk prints: {out}"
    );

    // Stopped, the service is no longer ready: the probe says so.
    let pid = server.id().expect("a pid").to_string();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    tokio::time::timeout(Duration::from_secs(40), server.wait())
        .await
        .expect("serve stops on SIGTERM")
        .expect("waited");
    assert!(
        !run(dir, &["probe"], &port).await.status.success(),
        "round {round}: probe fails without a service"
    );
}

#[tokio::test]
async fn the_readme_walk_runs_twice_from_a_clean_directory() {
    green_channel::platform::crypto::install_tls_provider();
    let block = walk_block();
    let dir = std::env::temp_dir().join(format!("gc-readme-walk-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a clean directory");
    // The photo the README makes with the photo_fixture example when there is none.
    std::fs::write(dir.join("report.jpg"), jpeg(160, 120, 7)).expect("a photo");
    walk_once(&dir, &block, 1).await;
    // Started over as the README says.
    std::fs::remove_dir_all(dir.join("var")).expect("var/ removed");
    walk_once(&dir, &block, 2).await;
    let _ = std::fs::remove_dir_all(&dir);
}
