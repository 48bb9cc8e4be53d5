//! `green-channel demo`: data to try the service with on a fresh machine (the local profile
//! only; production refuses it). A policy of each of the five programmes (names and ID numbers
//! printed, to bind with), a console account per role (passwords printed), and a few cases in
//! different states, made through the HTTP API itself (an in-process server on a free port, dev
//! logins), so that what the demo shows is what the API does. Running it again reuses what is
//! there: the same policies, new passwords, the same cases (fixed idempotency keys).

use std::io::Write;

use anyhow::{Context, bail};

mod walk;

use crate::cli::StaffAction;
use crate::platform::config::Settings;
use crate::startup::Application;

/// One demo policy: programme, insured's name, the ID number's first 17 digits, the service the
/// demo applies for, and the dev login code that plays the insured.
pub(crate) struct DemoPolicy {
    pub(crate) product: &'static str,
    pub(crate) name: &'static str,
    pub(crate) first17: &'static str,
    pub(crate) login: &'static str,
}

pub(crate) const POLICIES: &[DemoPolicy] = &[
    DemoPolicy {
        product: "yingshi-ci-green-channel",
        name: "王小明",
        first17: "11010519800101001",
        login: "dev:demo-plan1",
    },
    DemoPolicy {
        product: "starr-ci-care",
        name: "李小红",
        first17: "31010419750202002",
        login: "dev:demo-plan2",
    },
    DemoPolicy {
        product: "ci-green-channel-6096868",
        name: "张大山",
        first17: "44030519680303003",
        login: "dev:demo-plan3",
    },
    DemoPolicy {
        product: "haorensheng-ci-green-channel",
        name: "刘芳",
        first17: "51010719820404004",
        login: "dev:demo-plan4",
    },
    DemoPolicy {
        product: "manulife-lexiang-ankang-2020",
        name: "陈建国",
        first17: "32010219700505005",
        login: "dev:demo-plan5",
    },
];

/// The console accounts: (login, role, insurer scope).
const STAFF: &[(&str, &str, Option<&str>)] = &[
    ("demo-specialist", "specialist", None),
    ("demo-supervisor", "supervisor", None),
    ("demo-viewer", "insurer_viewer", Some("yingshi")),
    ("demo-admin", "admin", None),
];

/// A resident ID number with its check character (GB 11643).
pub fn resident_id(first17: &str) -> String {
    format!(
        "{first17}{}",
        crate::policies::identity::check_char(first17)
    )
}

/// A 16-character password from the random source.
fn password() -> String {
    let token = crate::platform::crypto::random_token();
    token
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect()
}

/// Loads the demo data and prints what to log in with.
pub async fn run(settings: Settings, out: &mut impl Write) -> anyhow::Result<()> {
    if settings.is_production() {
        bail!("`demo` loads made-up policies and accounts: it runs in the local profile only");
    }
    let db = crate::platform::db::connect(&settings.database).await?;
    crate::platform::db::migrate_up(&db).await?;

    // Policies: effective 200 days ago, past every waiting and cooling-off period.
    let effective = (chrono::Utc::now() - chrono::TimeDelta::days(200))
        .date_naive()
        .to_string();
    let mut csv = String::from(
        "policy_no,product_code,insured_name,id_type,id_number,phone,effective_date,expiry_date,cooling_off_end,status,sum_insured_ok\n",
    );
    for (n, policy) in POLICIES.iter().enumerate() {
        csv.push_str(&format!(
            "DEMO-{},{},{},resident_id,{},1390000000{},{effective},,,in_force,true\n",
            n + 1,
            policy.product,
            policy.name,
            resident_id(policy.first17),
            n + 1
        ));
    }
    let file = std::env::temp_dir().join(format!("green-channel-demo-{}.csv", std::process::id()));
    std::fs::write(&file, csv).context("cannot write the demo policies")?;
    let report = crate::commands::import_policies(&db, &settings, &file).await;
    let _ = std::fs::remove_file(&file);
    let report = report?;
    anyhow::ensure!(
        report.rejected.is_empty(),
        "demo policies refused: {:?}",
        report.rejected.len()
    );

    // Console accounts, with fresh passwords each run.
    let mut accounts = Vec::new();
    for (login, role, insurer) in STAFF {
        let password = password();
        let exists = crate::staff::accounts::find_by_login(&db, login)
            .await?
            .is_some();
        let action = if exists {
            StaffAction::ResetPassword {
                login: (*login).to_owned(),
            }
        } else {
            StaffAction::Add {
                login: (*login).to_owned(),
                role: (*role).to_owned(),
                insurer: insurer.map(str::to_owned),
                name: None,
                work_phone: None,
            }
        };
        crate::commands::staff(
            &db,
            &settings,
            action,
            &mut std::io::Cursor::new(format!("{password}\n")),
            &mut std::io::sink(),
        )
        .await?;
        accounts.push((*login, *role, *insurer, password));
    }

    // Cases, through the API of a server of our own.
    let mut local = settings.clone();
    local.server.host = "127.0.0.1".to_owned();
    local.server.port = 0;
    local.worker.in_process = false;
    let app = Application::build(local).await?;
    let base = app.base_url();
    let server = tokio::spawn(app.run_until_stopped());
    let specialist = accounts
        .iter()
        .find(|(login, ..)| *login == "demo-specialist")
        .map(|(.., password)| password.clone())
        .unwrap_or_default();
    let cases = walk::cases(&base, &specialist).await;
    server.abort();
    let cases = cases?;

    writeln!(out, "Demo data loaded.\n")?;
    writeln!(
        out,
        "Insured (log in with the dev code, then bind with name and ID number):"
    )?;
    for policy in POLICIES {
        writeln!(
            out,
            "  {:<32} {}  {}  login code {}",
            policy.product,
            policy.name,
            resident_id(policy.first17),
            policy.login
        )?;
    }
    writeln!(
        out,
        "\nConsole accounts (http://127.0.0.1:{}/console/):",
        settings.server.port
    )?;
    for (login, role, insurer, password) in &accounts {
        let scope = insurer.map(|i| format!(" ({i})")).unwrap_or_default();
        writeln!(out, "  {login:<16} {role}{scope:<10} password {password}")?;
    }
    writeln!(out, "\nCases:")?;
    for line in cases {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}
