//! Subscribe-message templates as data (`config/subscribe_templates.toml`): which WeChat template
//! each notification kind goes out with, the page it opens and the value of every keyword. The
//! file is checked at start against WeChat's value rules per keyword type; rendering cuts what may
//! be too long by one stated rule, so a message is never sent invalid (47003).
//!
//! The only facts a value can name are the case number, the service, the appointment's time and
//! hospital, the cancellation cut-off and the draft's expiry: nothing a message could leak from a
//! lock screen (no name, ID or phone number, illness or diagnosis) is within reach.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::kind::NotificationKind;

/// The facts a template value may name, each `{fact}`.
pub const FACTS: &[&str] = &[
    "case_number",
    "service",
    "appointment_time",
    "hospital",
    "cutoff_time",
    "draft_expires_time",
    "attempt_time",
];

/// When the mini-program asks for grants.
pub const MOMENTS: &[&str] = &["submit", "upload", "case", "scheduled", "bind"];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub id: String,
    pub title: String,
    pub keywords: Vec<String>,
    #[serde(default)]
    pub moments: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindTemplate {
    pub template: String,
    pub page: String,
    pub data: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    templates: BTreeMap<String, Template>,
    kinds: BTreeMap<String, KindTemplate>,
}

/// The checked templates file.
#[derive(Debug, Clone)]
pub struct Templates {
    templates: BTreeMap<String, Template>,
    kinds: BTreeMap<&'static str, KindTemplate>,
}

/// A message ready for `subscribeMessage.send` (without the recipient).
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub template_id: String,
    pub page: String,
    pub data: Value,
}

/// A keyword's type: its id without the trailing number (`character_string1` → `character_string`).
pub fn keyword_type(keyword: &str) -> &str {
    keyword.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// The most characters a value of `kind` may have, where WeChat states a length.
fn max_chars(kind: &str) -> Option<usize> {
    match kind {
        "thing" => Some(20),
        "number" | "letter" | "character_string" => Some(32),
        "symbol" | "phrase" => Some(5),
        "phone_number" => Some(17),
        "car_number" => Some(8),
        "name" => Some(10),
        _ => None,
    }
}

/// Why `value` is not a valid `kind` value, if it is not.
fn invalid(kind: &str, value: &str) -> Option<String> {
    let chars = value.chars().count();
    if value.is_empty() {
        return Some("is empty".to_owned());
    }
    if value.chars().any(char::is_control) {
        return Some("has a control character".to_owned());
    }
    if let Some(max) = max_chars(kind)
        && chars > max
    {
        return Some(format!(
            "has {chars} characters, a {kind} takes at most {max}"
        ));
    }
    let ok = match kind {
        "thing" | "name" | "car_number" => true,
        "phrase" => value.chars().all(is_chinese),
        "character_string" => value.chars().all(|c| c.is_ascii_graphic()),
        "number" => value.chars().all(|c| c.is_ascii_digit() || c == '.'),
        "letter" => value.chars().all(|c| c.is_ascii_alphabetic()),
        "symbol" => value.chars().all(|c| c.is_ascii_punctuation()),
        "phone_number" => value
            .chars()
            .all(|c| c.is_ascii_digit() || "+-() ".contains(c)),
        "time" | "date" => value.chars().any(|c| c.is_ascii_digit()),
        _ => return Some(format!("`{kind}` is not a keyword type this service fills")),
    };
    (!ok).then(|| format!("is not a valid {kind}"))
}

fn is_chinese(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The facts a value names (`{fact}`), in order.
fn facts_in(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push(&rest[start + 1..start + end]);
        rest = &rest[start + end + 1..];
    }
    out
}

/// Which facts each keyword type may take: a time only in `time`/`date`, text in `thing`.
fn fact_fits(kind: &str, fact: &str) -> bool {
    match fact {
        "appointment_time" | "cutoff_time" | "draft_expires_time" | "attempt_time" => {
            matches!(kind, "time" | "date")
        }
        "case_number" => matches!(kind, "character_string" | "thing"),
        "service" | "hospital" => kind == "thing",
        _ => false,
    }
}

impl Templates {
    /// Reads and checks the templates file; every problem on its own line.
    pub fn load(path: &Path, production: bool) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the templates file: {e}", path.display()))?;
        Self::parse(&text, production).map_err(|problems| {
            problems
                .iter()
                .map(|p| format!("{}: {p}", path.display()))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn parse(text: &str, production: bool) -> Result<Self, Vec<String>> {
        let file: File =
            toml::from_str(text).map_err(|e| vec![e.to_string().replace('\n', " ")])?;
        let mut problems = Vec::new();
        for (key, template) in &file.templates {
            if template.id.trim().is_empty() {
                problems.push(format!("templates.{key}.id is empty"));
            }
            if production && template.id.starts_with("local-") {
                problems.push(format!(
                    "templates.{key}.id is a local placeholder: production needs the id from mp.weixin.qq.com"
                ));
            }
            for moment in &template.moments {
                if !MOMENTS.contains(&moment.as_str()) {
                    problems.push(format!(
                        "templates.{key}.moments: `{moment}` is not one of {MOMENTS:?}"
                    ));
                }
            }
            for keyword in &template.keywords {
                if max_chars(keyword_type(keyword)).is_none()
                    && !matches!(keyword_type(keyword), "time" | "date")
                {
                    problems.push(format!(
                        "templates.{key}: keyword `{keyword}` has a type this service does not fill"
                    ));
                }
            }
        }
        let mut kinds = BTreeMap::new();
        for kind in <NotificationKind as strum::VariantArray>::VARIANTS {
            let name = kind.as_str();
            let Some(entry) = file.kinds.get(name) else {
                problems.push(format!("kinds.{name} is missing"));
                continue;
            };
            let Some(template) = file.templates.get(&entry.template) else {
                problems.push(format!(
                    "kinds.{name}.template: `{}` is not a template in this file",
                    entry.template
                ));
                continue;
            };
            for keyword in &template.keywords {
                if !entry.data.contains_key(keyword) {
                    problems.push(format!("kinds.{name}.data.{keyword} is missing"));
                }
            }
            for (keyword, value) in &entry.data {
                if !template.keywords.contains(keyword) {
                    problems.push(format!(
                        "kinds.{name}.data.{keyword} is not a keyword of template `{}`",
                        entry.template
                    ));
                    continue;
                }
                let kind = keyword_type(keyword);
                let facts = facts_in(value);
                for fact in &facts {
                    if !FACTS.contains(fact) {
                        problems.push(format!(
                            "kinds.{name}.data.{keyword}: `{{{fact}}}` is not a fact a message may carry"
                        ));
                    } else if !fact_fits(kind, fact) {
                        problems.push(format!(
                            "kinds.{name}.data.{keyword}: `{{{fact}}}` cannot fill a {kind}"
                        ));
                    }
                }
                if facts.is_empty()
                    && let Some(why) = invalid(kind, value)
                {
                    problems.push(format!("kinds.{name}.data.{keyword}: `{value}` {why}"));
                }
                if !facts.is_empty() && matches!(kind, "phrase" | "character_string") && {
                    let literal: String = facts
                        .iter()
                        .fold(value.clone(), |v, f| v.replace(&format!("{{{f}}}"), ""));
                    !literal.is_empty()
                } {
                    problems.push(format!(
                        "kinds.{name}.data.{keyword}: a {kind} with a fact takes nothing else"
                    ));
                }
            }
            let page_facts = facts_in(&entry.page);
            if page_facts.iter().any(|f| *f != "case_id") || entry.page.starts_with('/') {
                problems.push(format!(
                    "kinds.{name}.page: a page path without a leading slash whose only fact is {{case_id}}"
                ));
            }
            kinds.insert(name, entry.clone());
        }
        for name in file.kinds.keys() {
            if name.parse::<NotificationKind>().is_err() {
                problems.push(format!("kinds.{name} is not a notification kind"));
            }
        }
        if problems.is_empty() {
            Ok(Self {
                templates: file.templates,
                kinds,
            })
        } else {
            Err(problems)
        }
    }

    pub fn template(&self, key: &str) -> Option<&Template> {
        self.templates.get(key)
    }

    /// Every template: (key, template).
    pub fn all(&self) -> impl Iterator<Item = (&str, &Template)> {
        self.templates.iter().map(|(k, t)| (k.as_str(), t))
    }

    /// The template key of a template id.
    pub fn key_of_id(&self, id: &str) -> Option<&str> {
        self.templates
            .iter()
            .find(|(_, t)| t.id == id)
            .map(|(k, _)| k.as_str())
    }

    /// The template id `kind` goes out with.
    pub fn template_id(&self, kind: NotificationKind) -> &str {
        let entry = &self.kinds[kind.as_str()];
        &self.templates[&entry.template].id
    }

    /// The message for `kind` from its outbox payload.
    pub fn render(&self, kind: NotificationKind, payload: &Value) -> Rendered {
        let entry = &self.kinds[kind.as_str()];
        let template = &self.templates[&entry.template];
        let case_id = payload.get("case_id").and_then(Value::as_str).unwrap_or("");
        let mut data = serde_json::Map::new();
        for keyword in &template.keywords {
            let kind = keyword_type(keyword);
            let raw = &entry.data[keyword];
            let mut value = raw.clone();
            for fact in facts_in(raw) {
                value = value.replace(&format!("{{{fact}}}"), &fact_value(payload, fact));
            }
            data.insert(keyword.clone(), json!({ "value": fit(kind, &value) }));
        }
        Rendered {
            template_id: template.id.clone(),
            page: entry.page.replace("{case_id}", case_id),
            data: Value::Object(data),
        }
    }
}

/// A fact's text from the payload; a missing one reads as "待定" (to be decided).
fn fact_value(payload: &Value, fact: &str) -> String {
    let text = |key: &str| {
        payload
            .get(key)
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .map(str::to_owned)
    };
    let time = |key: &str| {
        text(key)
            .and_then(|t| t.parse::<DateTime<Utc>>().ok())
            .map(|at| {
                at.with_timezone(&chrono_tz::Asia::Shanghai)
                    .format("%Y年%-m月%-d日 %H:%M")
                    .to_string()
            })
    };
    match fact {
        "case_number" => text("case_number"),
        "service" => text("service"),
        "hospital" => text("appointment_hospital"),
        "appointment_time" => time("appointment_at"),
        "cutoff_time" => time("cutoff_at"),
        "draft_expires_time" => time("draft_expires_at"),
        "attempt_time" => time("attempt_at"),
        _ => None,
    }
    .unwrap_or_else(|| "待定".to_owned())
}

/// Makes a value valid for its type by one rule: control characters become spaces; a value over
/// the type's length keeps its first (max − 1) characters and ends with "…" (`thing`, `name`), or
/// its first max characters (the others, which take no "…").
pub fn fit(kind: &str, value: &str) -> String {
    let clean: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    let Some(max) = max_chars(kind) else {
        return clean.to_owned();
    };
    if clean.chars().count() <= max {
        return clean.to_owned();
    }
    match kind {
        "thing" | "name" => {
            let mut cut: String = clean.chars().take(max - 1).collect();
            cut.push('…');
            cut
        }
        _ => clean.chars().take(max).collect(),
    }
}

#[cfg(test)]
mod tests;
