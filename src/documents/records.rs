//! Medical records that are not photos (issue 31 §1): a PDF report from a hospital's system and
//! DICOM imaging files (Part 10), recognised by content, checked by their own parsers (`lopdf`
//! for the PDF's structure, `dicom-object` for the DICOM header, read up to the pixel data and
//! no further) and stored as they came. A file wearing either header that also carries a web
//! page or a script (a polyglot) is refused. What the parser read ([`Facts`]) names no person:
//! a DICOM header's patient tags are never read into it.
//!
//! Blocking: callers run [`inspect`] off the async executor.

use std::io::Read;
use std::path::Path;

use dicom_dictionary_std::tags;
use lopdf::{Document, Object};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a record file is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Pdf,
    Dicom,
}

impl RecordKind {
    /// As stored in `document.file_kind`.
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Pdf => "pdf",
            RecordKind::Dicom => "dicom",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "pdf" => Some(RecordKind::Pdf),
            "dicom" => Some(RecordKind::Dicom),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Pdf => "PDF 文件",
            RecordKind::Dicom => "DICOM 影像文件",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            RecordKind::Pdf => "application/pdf",
            RecordKind::Dicom => "application/dicom",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            RecordKind::Pdf => "pdf",
            RecordKind::Dicom => "dcm",
        }
    }
}

/// A PDF starts with its header at byte 0; a DICOM Part 10 file has `DICM` after a 128-byte
/// preamble. Anything else is not a record file.
pub fn sniff(head: &[u8]) -> Option<RecordKind> {
    if head.starts_with(b"%PDF-") {
        Some(RecordKind::Pdf)
    } else if head.get(128..132) == Some(b"DICM".as_slice()) {
        Some(RecordKind::Dicom)
    } else {
        None
    }
}

/// Why a record file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// The parser could not read it (damaged, truncated, password-protected, no pages).
    Damaged(String),
    /// It carries a web page, a script, an embedded file or a second format's header.
    Unsafe(String),
}

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

/// Reads the spooled file at `path` as `kind`: the checks every record file passes, then its
/// parser's.
pub fn inspect(path: &Path, kind: RecordKind) -> Result<Facts, Unreadable> {
    scan(path, kind)?;
    match kind {
        RecordKind::Pdf => pdf(path),
        RecordKind::Dicom => dicom(path),
    }
}

/// What a browser would take for a web page, case-insensitively; a tag only when a space, `>`
/// or `/` follows it (so that compressed or pixel data does not match by chance).
const MARKUP: [&[u8]; 7] = [
    b"<html",
    b"<script",
    b"<!doctype",
    b"<iframe",
    b"<body",
    b"<svg",
    b"javascript:",
];

/// Whether `window` holds a piece of markup at `start`.
fn markup_at(window: &[u8], start: usize) -> Option<&'static [u8]> {
    MARKUP.into_iter().find(|m| {
        let Some(found) = window.get(start..start + m.len()) else {
            return false;
        };
        let tag_ends = m
            .starts_with(b"<")
            .then(|| window.get(start + m.len()))
            .flatten()
            .is_none_or(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        found.eq_ignore_ascii_case(m) && (tag_ends || !m.starts_with(b"<"))
    })
}

/// The part of a DICOM file searched for markup: the preamble and the header that follows it
/// (the pixel data after it is binary, served only as an attachment).
const DICOM_SCANNED: u64 = 64 * 1024;

/// Reads the file once (in 1 MiB pieces, the seams overlapping; a DICOM file's first
/// [`DICOM_SCANNED`] bytes): no markup, and a DICOM preamble that is no other format's header.
fn scan(path: &Path, kind: RecordKind) -> Result<(), Unreadable> {
    let file = std::fs::File::open(path).map_err(|e| Unreadable::Damaged(e.to_string()))?;
    let mut file = file.take(match kind {
        RecordKind::Pdf => u64::MAX,
        RecordKind::Dicom => DICOM_SCANNED,
    });
    let overlap = MARKUP.iter().map(|m| m.len()).max().unwrap_or(0);
    let mut buffer = vec![0u8; 1 << 20];
    let mut kept = 0;
    let mut first = true;
    loop {
        let read = file
            .read(&mut buffer[kept..])
            .map_err(|e| Unreadable::Damaged(e.to_string()))?;
        if read == 0 {
            break;
        }
        let filled = kept + read;
        let window = &buffer[..filled];
        if first {
            first = false;
            preamble(window, kind)?;
        }
        let mut at = 0;
        while let Some(found) = memchr::memchr2(b'<', b'j', &window[at..]) {
            let start = at + found;
            if let Some(marker) = markup_at(window, start) {
                return Err(Unreadable::Unsafe(format!(
                    "{} at byte {start}",
                    String::from_utf8_lossy(marker)
                )));
            }
            at = start + 1;
        }
        kept = overlap.min(filled);
        buffer.copy_within(filled - kept..filled, 0);
    }
    Ok(())
}

/// A DICOM file's preamble is no other format's header; a PDF that also has `DICM` at 128 is
/// two formats at once.
fn preamble(head: &[u8], kind: RecordKind) -> Result<(), Unreadable> {
    match kind {
        RecordKind::Pdf if head.get(128..132) == Some(b"DICM".as_slice()) => Err(
            Unreadable::Unsafe("a PDF header and a DICOM marker in one file".to_owned()),
        ),
        RecordKind::Pdf => Ok(()),
        RecordKind::Dicom => {
            // The standard leaves the preamble to the application (zeros, a TIFF header for
            // dual-format files, a vendor's bytes): only another format's header is refused.
            let preamble = &head[..128.min(head.len())];
            match infer::get(preamble).map(|t| t.mime_type()) {
                None | Some("image/tiff") => Ok(()),
                Some(other) => Err(Unreadable::Unsafe(format!(
                    "the DICOM preamble is a {other} header"
                ))),
            }
        }
    }
}

/// Keys that make a PDF do something when it is opened.
const ACTIVE: [&[u8]; 6] = [
    b"JS",
    b"JavaScript",
    b"Launch",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
];

fn pdf(path: &Path) -> Result<Facts, Unreadable> {
    let document = Document::load(path).map_err(|e| Unreadable::Damaged(e.to_string()))?;
    if document.is_encrypted() {
        return Err(Unreadable::Damaged("password-protected".to_owned()));
    }
    for object in document.objects.values() {
        let dictionary = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        for (key, value) in dictionary.iter() {
            let launch = key.as_slice() == b"S"
                && matches!(value, Object::Name(n) if ACTIVE.contains(&n.as_slice()));
            if ACTIVE.contains(&key.as_slice()) || launch {
                return Err(Unreadable::Unsafe(format!(
                    "an active PDF entry /{}",
                    String::from_utf8_lossy(key)
                )));
            }
        }
    }
    let pages = document.get_pages();
    let first = pages
        .values()
        .next()
        .copied()
        .ok_or_else(|| Unreadable::Damaged("no pages".to_owned()))?;
    let (width, height) = media_box(&document, first).unwrap_or((595.0, 842.0));
    let mm = |points: f32| (points * 25.4 / 72.0).round().clamp(0.0, 100_000.0) as u32;
    Ok(Facts {
        pages: Some(u32::try_from(pages.len()).unwrap_or(u32::MAX)),
        page_width_mm: Some(mm(width)),
        page_height_mm: Some(mm(height)),
        ..Facts::default()
    })
}

/// A page's MediaBox, looked for on the page and then up its parents (it is inheritable).
fn media_box(document: &Document, page: lopdf::ObjectId) -> Option<(f32, f32)> {
    let mut id = page;
    for _ in 0..32 {
        let node = document.get_dictionary(id).ok()?;
        if let Ok(found) = node.get(b"MediaBox") {
            let (_, found) = document.dereference(found).ok()?;
            let corners: Vec<f32> = found
                .as_array()
                .ok()?
                .iter()
                .filter_map(|o| document.dereference(o).ok()?.1.as_float().ok())
                .collect();
            if let [x0, y0, x1, y1] = corners[..] {
                return Some(((x1 - x0).abs(), (y1 - y0).abs()));
            }
            return None;
        }
        id = node.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

fn dicom(path: &Path) -> Result<Facts, Unreadable> {
    let object = dicom_object::OpenFileOptions::new()
        .read_until(tags::PIXEL_DATA)
        .open_file(path)
        .map_err(|e| Unreadable::Damaged(e.to_string()))?;
    if object.meta().media_storage_sop_class_uid.trim().is_empty() {
        return Err(Unreadable::Damaged("no SOP class".to_owned()));
    }
    let text = |tag| {
        object
            .element_opt(tag)
            .ok()
            .flatten()
            .and_then(|e| e.to_str().ok())
            .map(|s| s.trim().trim_end_matches('\0').trim().to_owned())
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(64).collect::<String>())
    };
    let number = |tag| {
        object
            .element_opt(tag)
            .ok()
            .flatten()
            .and_then(|e| e.to_int::<i64>().ok())
    };
    let study_date = text(tags::STUDY_DATE).and_then(|d| {
        let d = d.replace('.', "");
        (d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
            .then(|| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..8]))
    });
    Ok(Facts {
        modality: text(tags::MODALITY).map(|m| m.to_ascii_uppercase()),
        body_part: text(tags::BODY_PART_EXAMINED).map(|m| m.to_ascii_uppercase()),
        study_date,
        series_number: number(tags::SERIES_NUMBER),
        series_description: text(tags::SERIES_DESCRIPTION),
        instance_number: number(tags::INSTANCE_NUMBER),
        ..Facts::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(RecordKind::Pdf));
        let mut dicom = vec![0u8; 128];
        dicom.extend_from_slice(b"DICM");
        assert_eq!(sniff(&dicom), Some(RecordKind::Dicom));
        assert_eq!(sniff(b"<html>%PDF-1.7"), None);
        assert_eq!(sniff(&dicom[..130]), None);
    }

    #[test]
    fn markup_is_a_tag_not_four_bytes() {
        assert_eq!(markup_at(b"x<svg onload=1>", 1), Some(b"<svg".as_slice()));
        assert_eq!(markup_at(b"<SCRIPT>", 0), Some(b"<script".as_slice()));
        assert_eq!(markup_at(b"<svgz", 0), None);
        assert_eq!(
            markup_at(b"javascript:alert(1)", 0),
            Some(b"javascript:".as_slice())
        );
    }

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
