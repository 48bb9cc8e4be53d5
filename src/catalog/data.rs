//! The reference data behind the application form, compiled into the binary and parsed once:
//! 三甲 hospitals, departments, the 2020 critical-illness list and the coverage lists
//! (`data/README.md` says where each comes from).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::plans::ExcludedDepartments;

const HOSPITALS: &str = include_str!("../../data/hospitals/tertiary_a_hospitals.json");
const DEPARTMENTS: &str = include_str!("../../data/departments.json");
const ILLNESSES: &str = include_str!("../../data/illnesses.json");
const COVERAGE: &str = include_str!("../../data/coverage.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hospital {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    pub level: String,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub city_code: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Department {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub category: String,
    pub is_technical: bool,
    pub is_obstetrics: bool,
    pub is_emergency: bool,
    pub excluded_from_service: bool,
    pub has_outpatient: bool,
}

impl Department {
    /// Why green-channel services refuse this department, in words; None when they do not.
    pub fn exclusion_reason(&self) -> Option<&'static str> {
        if self.is_obstetrics {
            Some("产科不在绿通服务范围内")
        } else if self.is_emergency {
            Some("急诊请直接前往医院急诊科就诊，不在绿通服务范围内")
        } else if self.is_technical {
            Some("医技科室（检验、影像、超声等）不在绿通服务范围内")
        } else {
            None
        }
    }

    /// Whether a plan excluding `excluded` refuses this department.
    pub fn excluded_by(&self, excluded: &[ExcludedDepartments]) -> Option<ExcludedDepartments> {
        excluded.iter().copied().find(|kind| match kind {
            ExcludedDepartments::Obstetrics => self.is_obstetrics,
            ExcludedDepartments::Emergency => self.is_emergency,
            ExcludedDepartments::Technical => self.is_technical,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Illness {
    pub id: String,
    pub seq: u32,
    pub name: String,
    pub grade: String,
}

/// A place a service covers: a city (division code) or, for overseas services, a country
/// (ISO 3166-1 alpha-2).
#[derive(Debug, Clone)]
pub struct Place {
    pub code: String,
    pub name: String,
    /// The prefecture-level unit's code (differs from `code` for 昆山); the country for abroad.
    pub city_code: String,
    pub province: Option<String>,
}

#[derive(Debug)]
pub struct Catalog {
    pub hospitals: Vec<Hospital>,
    pub departments: Vec<Department>,
    pub illnesses: Vec<Illness>,
    pub coverage: HashMap<String, Vec<Place>>,
}

#[derive(Deserialize)]
struct HospitalFile {
    hospitals: Vec<Hospital>,
}

#[derive(Deserialize)]
struct DepartmentFile {
    departments: Vec<Department>,
}

#[derive(Deserialize)]
struct IllnessFile {
    severe: Vec<Illness>,
    mild: Vec<Illness>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CoverageEntry {
    name: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    city_code: Option<String>,
    #[serde(default)]
    province_name: Option<String>,
    #[serde(default)]
    iso2: Option<String>,
}

#[derive(Deserialize)]
struct CoverageList {
    #[serde(default)]
    cities: Vec<CoverageEntry>,
    #[serde(default)]
    countries: Vec<CoverageEntry>,
}

#[derive(Deserialize)]
struct CoverageFile {
    lists: HashMap<String, CoverageList>,
}

impl Catalog {
    fn parse() -> Result<Self, serde_json::Error> {
        let hospitals = serde_json::from_str::<HospitalFile>(HOSPITALS)?.hospitals;
        let departments = serde_json::from_str::<DepartmentFile>(DEPARTMENTS)?.departments;
        let illnesses = serde_json::from_str::<IllnessFile>(ILLNESSES)?;
        let coverage = serde_json::from_str::<CoverageFile>(COVERAGE)?
            .lists
            .into_iter()
            .map(|(name, list)| {
                let places = list
                    .cities
                    .into_iter()
                    .chain(list.countries)
                    .filter_map(|entry| {
                        let code = entry.code.or(entry.iso2)?;
                        Some(Place {
                            city_code: entry.city_code.unwrap_or_else(|| code.clone()),
                            code,
                            name: entry.name,
                            province: entry.province_name,
                        })
                    })
                    .collect();
                (name, places)
            })
            .collect();
        Ok(Self {
            hospitals,
            departments,
            illnesses: illnesses.severe.into_iter().chain(illnesses.mild).collect(),
            coverage,
        })
    }

    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::parse().expect("the compiled-in reference data parses"))
    }

    pub fn hospital(&self, id: &str) -> Option<&Hospital> {
        self.hospitals.iter().find(|h| h.id == id)
    }

    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    pub fn illness(&self, id: &str) -> Option<&Illness> {
        self.illnesses.iter().find(|i| i.id == id)
    }

    /// The place `code` names in coverage list `list`.
    /// The places of the coverage list `list` (none for an unknown list).
    pub fn places(&self, list: &str) -> &[Place] {
        self.coverage.get(list).map_or(&[], Vec::as_slice)
    }

    pub fn place(&self, list: &str, code: &str) -> Option<&Place> {
        self.coverage.get(list)?.iter().find(|p| p.code == code)
    }

    /// Hospitals in the prefecture of `city` (a county-level city falls under its prefecture).
    pub fn hospital_in_city(hospital: &Hospital, city: &str) -> bool {
        hospital.city_code.as_deref().is_some_and(|code| {
            code == city || (code.len() == 6 && city.len() == 6 && code[..4] == city[..4])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_data_parses_with_its_documented_counts() {
        let catalog = Catalog::get();
        assert_eq!(catalog.hospitals.len(), 1371);
        assert_eq!(catalog.departments.len(), 67);
        assert_eq!(catalog.illnesses.len(), 31);
        assert_eq!(catalog.coverage["green_channel_31"].len(), 40);
        assert_eq!(catalog.coverage["overseas"].len(), 5);
        assert_eq!(
            catalog
                .departments
                .iter()
                .filter(|d| d.excluded_from_service)
                .count(),
            13
        );
        let kunshan = catalog
            .coverage
            .values()
            .flatten()
            .find(|p| p.name == "昆山")
            .expect("昆山 is listed");
        assert_eq!(kunshan.city_code, "320500");
    }
}
