//! The two parsers: `lopdf` for a PDF's structure (no active entries, its pages, the first
//! page's size) and `dicom-object` for a DICOM header, read up to the pixel data and no further.

use std::path::Path;

use dicom_dictionary_std::tags;
use lopdf::{Document, Object};

use super::facts::Facts;
use super::kind::Unreadable;

/// Keys that make a PDF do something when it is opened.
const ACTIVE: [&[u8]; 6] = [
    b"JS",
    b"JavaScript",
    b"Launch",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
];

pub(super) fn pdf(path: &Path) -> Result<Facts, Unreadable> {
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

pub(super) fn dicom(path: &Path) -> Result<Facts, Unreadable> {
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
