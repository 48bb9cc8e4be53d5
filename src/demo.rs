//! `green-channel demo`: data to try the service with on a fresh machine (the local profile
//! only; production refuses it). A policy of each of the five programmes (names and ID numbers
//! printed, to bind with), a console account per role (passwords printed), and a few cases in
//! different states, made through the HTTP API itself (an in-process server on a free port, dev
//! logins), so that what the demo shows is what the API does. Running it again reuses what is
//! there: the same policies, new passwords, the same cases (fixed idempotency keys).

use std::io::Write;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::cli::StaffAction;
use crate::config::Settings;
use crate::startup::Application;

/// One demo policy: programme, insured's name, the ID number's first 17 digits, the service the
/// demo applies for, and the dev login code that plays the insured.
struct DemoPolicy {
    product: &'static str,
    name: &'static str,
    first17: &'static str,
    login: &'static str,
}

const POLICIES: &[DemoPolicy] = &[
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

/// A resident ID number with its check digit (GB 11643).
pub fn resident_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// A 16-character password from the random source.
fn password() -> String {
    let token = crate::crypto::random_token();
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
    let db = crate::db::connect(&settings.database).await?;
    crate::db::migrate_up(&db).await?;

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
    local.log.filter = "warn".to_owned();
    let app = Application::build(local).await?;
    let base = app.base_url();
    let server = tokio::spawn(app.run_until_stopped());
    let specialist = accounts
        .iter()
        .find(|(login, ..)| *login == "demo-specialist")
        .map(|(.., password)| password.clone())
        .unwrap_or_default();
    let cases = cases(&base, &specialist).await;
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

/// The API, as the mini-program and the console call it.
struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        anyhow::ensure!(status.is_success(), "{path}: {status} {value}");
        Ok(value)
    }

    async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> anyhow::Result<Value> {
        self.call(reqwest::Method::POST, path, token, None, Some(body))
            .await
    }

    async fn get(&self, path: &str, token: &str) -> anyhow::Result<Value> {
        self.call(reqwest::Method::GET, path, Some(token), None, None)
            .await
    }

    /// Logs in with a dev code and binds the policy: (token, policy id).
    async fn insured(&self, policy: &DemoPolicy) -> anyhow::Result<(String, String)> {
        let login = self
            .post(
                "/api/v1/auth/wechat-login",
                None,
                &json!({"code": policy.login}),
            )
            .await?;
        let token = text(&login["access_token"])?;
        let bound = self
            .post(
                "/api/v1/policies/bind",
                Some(&token),
                &json!({"name": policy.name, "id_type": "resident_id", "id_number": resident_id(policy.first17)}),
            )
            .await?;
        let id = bound["policies"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["product_code"] == policy.product))
            .map(|p| p["id"].clone())
            .unwrap_or_else(|| bound["policies"][0]["id"].clone());
        Ok((token, text(&id)?))
    }

    async fn apply(&self, token: &str, key: &str, body: &Value) -> anyhow::Result<Value> {
        self.call(
            reqwest::Method::POST,
            "/api/v1/cases",
            Some(token),
            Some(key),
            Some(body),
        )
        .await
    }

    async fn upload(
        &self,
        token: &str,
        case: &str,
        category: &str,
        seed: u8,
    ) -> anyhow::Result<()> {
        const BOUNDARY: &str = "----GreenChannelDemo";
        let mut body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\n{category}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"demo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&page(seed)?);
        body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        let response = self
            .http
            .post(format!("{}/api/v1/cases/{case}/documents", self.base))
            .bearer_auth(token)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "upload: {}",
            response.status()
        );
        Ok(())
    }
}

fn text(value: &Value) -> anyhow::Result<String> {
    value
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("expected text, got {value}"))
}

/// A small picture of a printed page (lines of "text" on paper), different for each seed.
fn page(seed: u8) -> anyhow::Result<Vec<u8>> {
    use image::{DynamicImage, Rgb, RgbImage};
    let image = RgbImage::from_fn(600, 800, |x, y| {
        let ink =
            y % 24 < 4 && (x / 7 + y / 24 + u32::from(seed)) % 6 != 0 && (60..540).contains(&x);
        if ink {
            Rgb([40, 40, 48])
        } else {
            Rgb([236, 234, 226])
        }
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(image).write_with_encoder(
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85),
    )?;
    Ok(out)
}

/// A draft, a case waiting in the queue, and one arranged by the specialist.
async fn cases(base: &str, specialist_password: &str) -> anyhow::Result<Vec<String>> {
    let api = Client {
        http: reqwest::Client::new(),
        base: base.to_owned(),
    };
    let mut lines = Vec::new();

    // Plan 5's tele-doctor: a draft the insured has not submitted.
    let plan5 = &POLICIES[4];
    let (token5, policy5) = api.insured(plan5).await?;
    let draft = api
        .apply(
            &token5,
            "demo-plan5-draft",
            &json!({"policy_id": policy5, "service": "tele_doctor"}),
        )
        .await?;
    lines.push(format!(
        "{}  draft, not submitted yet (plan 5, {})",
        text(&draft["number"])?,
        plan5.name
    ));

    // Plan 3's expert outpatient visit in Beijing: materials uploaded and submitted.
    let plan3 = &POLICIES[2];
    let (token3, policy3) = api.insured(plan3).await?;
    let consents = api.get("/api/v1/me/consents", &token3).await?;
    let version = text(&consents[0]["version"])?;
    api.post(
        "/api/v1/me/consents",
        Some(&token3),
        &json!({"purpose": "medical_records", "version": version}),
    )
    .await?;
    let queued = api
        .apply(
            &token3,
            "demo-plan3-outpatient",
            &json!({"policy_id": policy3, "service": "expert_outpatient",
                    "diagnosis_state": "confirmed", "illness_id": "CI-01",
                    "city": "110100", "hospital_id": "3a-0006"}),
        )
        .await?;
    let id3 = text(&queued["id"])?;
    // A second run replays the application's first answer: ask the case where it is now.
    let now3 = api.get(&format!("/api/v1/cases/{id3}"), &token3).await?;
    if now3["status"] == "draft" {
        api.upload(&token3, &id3, "pathology_report", 3).await?;
        api.post(
            &format!("/api/v1/cases/{id3}/submit"),
            Some(&token3),
            &json!({}),
        )
        .await?;
    }
    lines.push(format!(
        "{}  submitted, waiting for a specialist (plan 3, {}, a photo of the pathology report)",
        text(&queued["number"])?,
        plan3.name
    ));

    // Plan 5 again: submitted, claimed, approved and scheduled by demo-specialist.
    let arranged = api
        .apply(
            &token5,
            "demo-plan5-arranged",
            &json!({"policy_id": policy5, "service": "tele_doctor"}),
        )
        .await?;
    let id5 = text(&arranged["id"])?;
    let now5 = api.get(&format!("/api/v1/cases/{id5}"), &token5).await?;
    if now5["status"] == "draft" {
        let submitted = api
            .post(
                &format!("/api/v1/cases/{id5}/submit"),
                Some(&token5),
                &json!({}),
            )
            .await?;
        let staff = api
            .post(
                "/api/v1/staff/auth/login",
                None,
                &json!({"login": "demo-specialist", "password": specialist_password}),
            )
            .await?;
        let token = text(&staff["access_token"])?;
        let claimed = api
            .post(
                &format!("/api/v1/staff/cases/{id5}/claim"),
                Some(&token),
                &json!({"version": submitted["version"]}),
            )
            .await?;
        let approved = api
            .post(
                &format!("/api/v1/staff/cases/{id5}/approve"),
                Some(&token),
                &json!({"version": claimed["version"]}),
            )
            .await?;
        let day_after_tomorrow = (chrono::Utc::now() + chrono::TimeDelta::days(2))
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .date_naive();
        api.post(
            &format!("/api/v1/staff/cases/{id5}/schedule"),
            Some(&token),
            &json!({"version": approved["version"],
                    "at": format!("{day_after_tomorrow}T10:00:00+08:00"),
                    "hospital": "北京大学第一医院", "department": "心内科",
                    "expert_title": "主任医师", "meeting_point": "门诊楼一层大厅"}),
        )
        .await?;
    }
    lines.push(format!(
        "{}  scheduled by demo-specialist (plan 5, {})",
        text(&arranged["number"])?,
        plan5.name
    ));
    Ok(lines)
}
