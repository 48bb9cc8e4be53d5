//! The demo's cases, made through the HTTP API as the mini-program and the console make them.

use anyhow::Context;
use serde_json::{Value, json};

use super::{DemoPolicy, POLICIES, resident_id};

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

    /// Where a case is now, in the words the insured reads (`已提交，等待审核` …), as the API
    /// says it: what the demo prints is what it made, not what it meant to make.
    async fn status(&self, token: &str, case: &Value) -> anyhow::Result<String> {
        let id = text(&case["id"])?;
        let now = self.get(&format!("/api/v1/cases/{id}"), token).await?;
        text(&now["status_text"])
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
pub(super) async fn cases(base: &str, specialist_password: &str) -> anyhow::Result<Vec<String>> {
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
        "{}  {} (plan 5, {}: the tele-doctor, applied for and not submitted)",
        text(&draft["number"])?,
        api.status(&token5, &draft).await?,
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
    if now3["status"] == "draft" || now3["status"] == "needs_materials" {
        // Plan 3 puts the case in the specialists' queue at once, waiting for its materials (the
        // specialist calls and guides the upload): for a confirmed diagnosis, the pathology
        // report; then it is sent.
        api.upload(&token3, &id3, "pathology_report", 3).await?;
        api.post(
            &format!("/api/v1/cases/{id3}/submit"),
            Some(&token3),
            &json!({}),
        )
        .await?;
    }
    lines.push(format!(
        "{}  {} (plan 3, {}: an expert visit in Beijing, a photo of the pathology report)",
        text(&queued["number"])?,
        api.status(&token3, &queued).await?,
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
        "{}  {} (plan 5, {}: the tele-doctor, arranged by demo-specialist)",
        text(&arranged["number"])?,
        api.status(&token5, &arranged).await?,
        plan5.name
    ));
    Ok(lines)
}
