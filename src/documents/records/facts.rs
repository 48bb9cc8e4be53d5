//! What the parser read of a record file, and how a person reads it (Chinese, one line each).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::kind::RecordKind;

/// What the parser read of a record file: shown to the specialist, never a personal tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Facts {
    /// PDF: its pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// PDF: the first page's size in millimetres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_width_mm: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_height_mm: Option<u32>,
    /// DICOM: the modality as coded (`CT`, `MR`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modality: Option<String>,
    /// DICOM: the body part examined as coded (`CHEST`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_part: Option<String>,
    /// DICOM: the study date (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_number: Option<i64>,
    /// DICOM: the series' description as the scanner wrote it (`LUNG 1.25mm` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_number: Option<i64>,
}

impl Facts {
    /// The facts as a person reads them, one line each, in Chinese.
    pub fn lines(&self, kind: RecordKind) -> Vec<String> {
        let mut lines = Vec::new();
        match kind {
            RecordKind::Pdf => {
                if let Some(pages) = self.pages {
                    lines.push(format!("共 {pages} 页"));
                }
                if let (Some(w), Some(h)) = (self.page_width_mm, self.page_height_mm) {
                    let paper = paper(w, h).map(|p| format!("（{p}）")).unwrap_or_default();
                    lines.push(format!("首页 {w}×{h} 毫米{paper}"));
                }
            }
            RecordKind::Dicom => {
                if let Some(modality) = &self.modality {
                    lines.push(format!("检查类型：{}", modality_label(modality)));
                }
                if let Some(part) = &self.body_part {
                    lines.push(format!("检查部位：{}", body_part_label(part)));
                }
                if let Some(date) = &self.study_date {
                    lines.push(format!("检查日期：{date}"));
                }
                let series = match (self.series_number, &self.series_description) {
                    (Some(n), Some(d)) => Some(format!("序列 {n}（{d}）")),
                    (Some(n), None) => Some(format!("序列 {n}")),
                    (None, Some(d)) => Some(format!("序列：{d}")),
                    (None, None) => None,
                };
                lines.extend(series);
                if let Some(n) = self.instance_number {
                    lines.push(format!("第 {n} 幅"));
                }
            }
        }
        lines
    }
}

/// A common paper size within 3 mm, either way round.
fn paper(w: u32, h: u32) -> Option<&'static str> {
    let (short, long) = (w.min(h), w.max(h));
    [
        ("A4", 210, 297),
        ("A5", 148, 210),
        ("A3", 297, 420),
        ("B5", 176, 250),
        ("Letter", 216, 279),
    ]
    .into_iter()
    .find(|(_, s, l)| short.abs_diff(*s) <= 3 && long.abs_diff(*l) <= 3)
    .map(|(name, _, _)| {
        if name == "Letter" {
            "美式信纸"
        } else {
            name
        }
    })
}

fn modality_label(code: &str) -> String {
    let word = match code {
        "CT" => "CT",
        "MR" => "磁共振（MR）",
        "CR" | "DX" | "DR" => "X 线",
        "US" => "超声",
        "PT" => "PET",
        "NM" => "核医学",
        "MG" => "乳腺 X 线",
        "XA" => "血管造影",
        "RF" => "X 线透视",
        "ES" => "内镜",
        "SM" => "病理切片",
        "ECG" => "心电图",
        "OT" => "其他",
        other => return format!("{other}（未列明）"),
    };
    word.to_owned()
}

fn body_part_label(code: &str) -> String {
    let word = match code {
        "HEAD" => "头部",
        "BRAIN" => "脑",
        "NECK" => "颈部",
        "CHEST" | "THORAX" => "胸部",
        "LUNG" => "肺",
        "HEART" => "心脏",
        "BREAST" => "乳腺",
        "ABDOMEN" => "腹部",
        "LIVER" => "肝脏",
        "KIDNEY" => "肾脏",
        "PELVIS" => "盆腔",
        "SPINE" => "脊柱",
        "CSPINE" => "颈椎",
        "TSPINE" => "胸椎",
        "LSPINE" => "腰椎",
        "CHESTABDOMEN" | "CHEST_ABDOMEN" => "胸腹部",
        "ABDOMENPELVIS" | "ABDOMEN_PELVIS" => "腹盆腔",
        "WHOLEBODY" | "WHOLE_BODY" => "全身",
        "EXTREMITY" => "四肢",
        other => return format!("{other}（未列明）"),
    };
    word.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn papers_either_way_round() {
        assert_eq!(paper(210, 297), Some("A4"));
        assert_eq!(paper(297, 210), Some("A4"));
        assert_eq!(paper(100, 100), None);
    }

    #[test]
    fn facts_read_as_words() {
        let facts = Facts {
            modality: Some("MR".into()),
            body_part: Some("BRAIN".into()),
            study_date: Some("2026-11-03".into()),
            series_number: Some(2),
            series_description: Some("T2 FLAIR".into()),
            instance_number: Some(15),
            ..Facts::default()
        };
        assert_eq!(
            facts.lines(RecordKind::Dicom),
            [
                "检查类型：磁共振（MR）",
                "检查部位：脑",
                "检查日期：2026-11-03",
                "序列 2（T2 FLAIR）",
                "第 15 幅"
            ]
        );
    }
}
