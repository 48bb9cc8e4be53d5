//! The screening every record file passes before its parser: no markup anywhere in a PDF or in
//! a DICOM file's preamble and header, and no second format's header.

use std::io::Read;
use std::path::Path;

use super::kind::{RecordKind, Unreadable};

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
pub(super) fn scan(path: &Path, kind: RecordKind) -> Result<(), Unreadable> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
