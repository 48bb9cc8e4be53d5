//! Product plans as data: one TOML file per programme under `products/`, validated at start
//! with errors that name the file and the field, loaded into `insurer` / `product` rows, and
//! held in memory for the eligibility and case rules. A sixth programme is a sixth file.

mod conversation;
mod materials;
pub mod model;
mod notices;
pub mod outcomes;
pub mod store;
mod validate;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

pub use conversation::*;
pub use model::*;
pub use notices::*;
pub use outcomes::*;
pub use validate::coverage_lists;

#[derive(Debug, Clone, Default)]
pub struct Plans {
    by_code: BTreeMap<String, Arc<Plan>>,
    /// The forms the plans hand the insured, by their `file` (read once, at start).
    forms: BTreeMap<String, bytes::Bytes>,
}

/// Every problem found in the plan files, one line each, naming file and field.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .problems.join("\n"))]
pub struct PlanError {
    pub problems: Vec<String>,
}

impl Plans {
    /// Reads and validates every `*.toml` in `dir`.
    pub fn load_dir(dir: &Path) -> Result<Self, PlanError> {
        let entries = std::fs::read_dir(dir).map_err(|e| PlanError {
            problems: vec![format!(
                "{}: cannot read the plan directory: {e}",
                dir.display()
            )],
        })?;
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut sources = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|e| PlanError {
                problems: vec![format!("{}: {e}", file.display())],
            })?;
            sources.push((file.display().to_string(), text));
        }
        let mut plans = Self::from_sources(&sources)?;
        let mut problems = Vec::new();
        for plan in plans.by_code.values() {
            for service in &plan.services {
                for form in &service.forms {
                    match std::fs::read(dir.join(&form.file)) {
                        Ok(bytes) if bytes.starts_with(b"%PDF-") => {
                            plans.forms.insert(form.file.clone(), bytes.into());
                        }
                        Ok(_) => problems.push(format!(
                            "{}: services.forms `{}` is not a PDF",
                            plan.code, form.file
                        )),
                        Err(e) => problems.push(format!(
                            "{}: services.forms `{}`: {e}",
                            plan.code, form.file
                        )),
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(plans)
        } else {
            Err(PlanError { problems })
        }
    }

    /// The bytes of the form file `file` (as a plan names it), where loaded.
    pub fn form(&self, file: &str) -> Option<&bytes::Bytes> {
        self.forms.get(file)
    }

    /// `(file name, TOML text)` pairs.
    pub fn from_sources(sources: &[(String, String)]) -> Result<Self, PlanError> {
        let mut problems = Vec::new();
        let mut by_code: BTreeMap<String, Arc<Plan>> = BTreeMap::new();
        let mut origin: BTreeMap<String, String> = BTreeMap::new();
        for (file, text) in sources {
            let plan: Plan = match toml::from_str(text) {
                Ok(plan) => plan,
                Err(e) => {
                    problems.push(format!("{file}: {}", e.to_string().replace('\n', " ")));
                    continue;
                }
            };
            problems.extend(
                validate::plan(&plan)
                    .into_iter()
                    .map(|p| format!("{file}: {p}")),
            );
            if let Some(first) = origin.get(&plan.code) {
                problems.push(format!(
                    "{file}: code `{}` is already used by {first}",
                    plan.code
                ));
                continue;
            }
            origin.insert(plan.code.clone(), file.clone());
            by_code.insert(plan.code.clone(), Arc::new(plan));
        }
        if sources.is_empty() {
            problems.push("no plan files (*.toml) found".to_owned());
        }
        if problems.is_empty() {
            Ok(Self {
                by_code,
                forms: BTreeMap::new(),
            })
        } else {
            Err(PlanError { problems })
        }
    }

    pub fn get(&self, code: &str) -> Option<&Arc<Plan>> {
        self.by_code.get(code)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Plan>> {
        self.by_code.values()
    }

    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

impl Plan {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The lines for `service`: its own first (with its acceptance hours), then the plan's
    /// others that serve it.
    /// The notices that concern `service`, in the plan's order.
    pub fn notices_for(&self, service: &Service) -> Vec<NoticeView> {
        self.notices
            .iter()
            .filter(|n| n.services.is_empty() || n.services.contains(&service.id))
            .map(|n| NoticeView {
                kind: n.kind,
                label: n.kind.label(),
                text: n.text.clone(),
            })
            .collect()
    }

    /// The notices for the day of a visit, in one text (the message centre's words).
    pub fn visit_notices(&self, service: &Service) -> Option<String> {
        let texts: Vec<String> = self
            .notices_for(service)
            .into_iter()
            .filter(|n| n.kind.for_the_visit())
            .map(|n| n.text)
            .collect();
        (!texts.is_empty()).then(|| texts.join(""))
    }

    pub fn lines_for(&self, service: &Service) -> Vec<LineView> {
        let own = LineView {
            kind: LineKind::Service,
            label: LineKind::Service.label(),
            number: service.hotline.clone(),
            hours: service.acceptance.describe(),
        };
        let others = self
            .lines
            .iter()
            .filter(|line| line.services.is_empty() || line.services.contains(&service.id))
            .map(|line| LineView {
                kind: line.kind,
                label: line.kind.label(),
                number: line.number.clone(),
                hours: line.hours.clone(),
            });
        std::iter::once(own).chain(others).collect()
    }

    /// The diagnosis states the plan accepts that `service` has a materials rule for.
    pub fn diagnosis_states_of(&self, service: &Service) -> Vec<DiagnosisState> {
        self.eligibility
            .diagnosis_states
            .iter()
            .copied()
            .filter(|state| match state {
                DiagnosisState::Suspected => service.materials.suspected.is_some(),
                DiagnosisState::Confirmed => service.materials.confirmed.is_some(),
            })
            .collect()
    }

    pub fn quota_group(&self, id: &str) -> Option<&QuotaGroup> {
        self.quota_groups.iter().find(|g| g.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Plans {
        Plans::load_dir(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/products")))
            .unwrap_or_else(|e| panic!("the shipped plans are valid:\n{e}"))
    }

    #[test]
    fn the_five_seed_programmes_load() {
        let plans = shipped();
        assert_eq!(plans.len(), 5);
        let seeds: Vec<&str> = plans.iter().map(|p| p.seed.as_str()).collect();
        for seed in [
            "000_ee5a6d29ccbb58a1.txt",
            "001_33f0be092a29cea5.txt",
            "002_3e625f6bdab9afbc.txt",
            "003_baf1831c86c5aecd.txt",
            "004_a77f3e505ade90c6.txt",
        ] {
            assert!(seeds.contains(&seed), "{seed}");
        }
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let broken = r#"
code = "Bad Code"
name = "x"
seed = "x.txt"
insurer = { code = "i", name = "i" }
provider = { name = "p", hotline = "1" }
eligibility = { cooling_off_days = 0, waiting_days = 0, window = { kind = "policy_term" }, diagnosis_states = ["confirmed"], first_diagnosis_only = true, pre_existing_excluded = true, clause = "c" }
[[services]]
id = "a"
kind = "escort"
name = "a"
quota = { count = 1 }
coverage = "nowhere"
acceptance = { days = "every_day", open = "20:00", close = "08:00" }
hotline = "1"
cancellation = { rule = "never" }
clauses = ["c"]
"#;
        let error = Plans::from_sources(&[("products/broken.toml".into(), broken.into())])
            .expect_err("invalid");
        let text = error.to_string();
        for expected in [
            "products/broken.toml: code: `Bad Code`",
            "products/broken.toml: services[0].quota:",
            "products/broken.toml: services[0].coverage: `nowhere`",
            "products/broken.toml: services[0].acceptance: open 20:00 is not before close 08:00",
        ] {
            assert!(text.contains(expected), "{expected} in:\n{text}");
        }
        let typo = broken.replace(
            "hotline = \"1\"\ncancellation",
            "hotlne = \"1\"\ncancellation",
        );
        let error = Plans::from_sources(&[("products/typo.toml".into(), typo)]).expect_err("typo");
        assert!(error.to_string().contains("products/typo.toml"), "{error}");
        assert!(error.to_string().contains("hotlne"), "{error}");
    }

    #[test]
    fn a_sixth_programme_is_a_file_not_code() {
        let sixth = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/products/plan-3-green-channel-6096868.toml"
        ))
        .expect("read")
        .replace("ci-green-channel-6096868", "a-sixth-programme");
        let plans = Plans::from_sources(&[("products/sixth.toml".into(), sixth)]).expect("valid");
        assert!(plans.get("a-sixth-programme").is_some());
    }
}
