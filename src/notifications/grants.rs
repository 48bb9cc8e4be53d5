//! Subscribe grants as the mini-program sees them: which templates to ask for at which moment,
//! and the result of `wx.requestSubscribeMessage` (each `accept` buys one send).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use tracing::instrument;
use utoipa::ToSchema;

use super::store::grants as grant_store;
use crate::outbox::templates::MOMENTS;
use crate::platform::error::{AreaError, Fault, Kind};
use crate::state::AppState;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum GrantError {
    #[error("请提交 wx.requestSubscribeMessage 的返回结果")]
    NoChoices,
    #[error("未知的订阅消息模板：{0}，请更新小程序后重试")]
    UnknownTemplate(String),
    #[error("订阅结果 {0} 无效：应为 accept、reject、ban 或 filter")]
    InvalidChoice(String),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(GrantError);

impl AreaError for GrantError {
    fn kind(&self) -> Kind {
        match self {
            Self::NoChoices | Self::UnknownTemplate(_) | Self::InvalidChoice(_) => {
                Kind::Unprocessable
            }
            Self::Fault(_) => Kind::Internal,
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::UnknownTemplate(id) => serde_json::json!({ "template_id": id }),
            Self::InvalidChoice(choice) => serde_json::json!({ "choice": choice }),
            _ => serde_json::json!({}),
        }
    }

    crate::platform::error::area_error_glue!(Fault);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateInfo {
    /// Pass it to `wx.requestSubscribeMessage`.
    pub template_id: String,
    pub title: String,
    /// Sends the caller has granted and not yet received.
    pub remaining: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Moment {
    /// `submit` (on the submit tap), `upload` (after uploading), `case` (opening a case),
    /// `scheduled` (opening a scheduled case).
    pub moment: &'static str,
    /// At most three ids, one `wx.requestSubscribeMessage` call.
    pub template_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TemplatesAnswer {
    pub templates: Vec<TemplateInfo>,
    pub moments: Vec<Moment>,
}

/// The templates, the caller's remaining grants, and the moments to ask at.
#[instrument(skip_all, fields(user_id))]
pub async fn templates(state: &AppState, user_id: i64) -> Result<TemplatesAnswer, GrantError> {
    let remaining = grant_store::remaining(&state.db, user_id).await?;
    let templates = state
        .templates
        .all()
        .map(|(_, t)| TemplateInfo {
            template_id: t.id.clone(),
            title: t.title.clone(),
            remaining: remaining.get(&t.id).copied().unwrap_or(0),
        })
        .collect();
    let moments = MOMENTS
        .iter()
        .map(|moment| Moment {
            moment,
            template_ids: state
                .templates
                .all()
                .filter(|(_, t)| t.moments.iter().any(|m| m == moment))
                .map(|(_, t)| t.id.clone())
                .take(3)
                .collect(),
        })
        .collect();
    Ok(TemplatesAnswer { templates, moments })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GrantsAnswer {
    /// Accepts recorded by this call.
    pub accepted: u64,
    pub templates: Vec<TemplateInfo>,
}

/// Records the result object of `wx.requestSubscribeMessage`: `{"<tmplId>": "accept" | "reject"
/// | "ban" | "filter", "errMsg": "…"}`. Checked whole before anything is written.
#[instrument(skip_all, fields(user_id))]
pub async fn record(
    state: &AppState,
    user_id: i64,
    result: &serde_json::Map<String, Value>,
) -> Result<GrantsAnswer, GrantError> {
    let mut accepts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut banned = Vec::new();
    let mut seen = 0;
    for (template_id, choice) in result {
        if template_id == "errMsg" || template_id == "errCode" {
            continue;
        }
        seen += 1;
        if state.templates.key_of_id(template_id).is_none() {
            return Err(GrantError::UnknownTemplate(
                template_id.chars().take(64).collect(),
            ));
        }
        match choice.as_str() {
            Some("accept" | "acceptWithAudio") => *accepts.entry(template_id).or_default() += 1,
            Some("ban") => banned.push(template_id.as_str()),
            Some("reject" | "filter") => {}
            _ => {
                return Err(GrantError::InvalidChoice(
                    choice.to_string().chars().take(32).collect(),
                ));
            }
        }
    }
    if seen == 0 {
        return Err(GrantError::NoChoices);
    }
    let now = chrono::Utc::now();
    let txn = crate::platform::db::write_transaction(&state.db).await?;
    for (template_id, count) in &accepts {
        grant_store::add(&txn, user_id, template_id, grant_store::CLIENT, *count, now).await?;
    }
    for template_id in banned {
        grant_store::void_all(&txn, user_id, template_id, now).await?;
    }
    txn.commit().await?;
    let answer = templates(state, user_id).await?;
    Ok(GrantsAnswer {
        accepted: accepts.values().sum::<usize>() as u64,
        templates: answer.templates,
    })
}
