//! Medical records that are not photos (issue 31 §1): a PDF report from a hospital's system and
//! DICOM imaging files (Part 10), recognised by content, checked by their own parsers (`lopdf`
//! for the PDF's structure, `dicom-object` for the DICOM header, read up to the pixel data and
//! no further) and stored as they came. A file wearing either header that also carries a web
//! page or a script (a polyglot) is refused. What the parser read ([`Facts`]) names no person:
//! a DICOM header's patient tags are never read into it.
//!
//! Blocking: callers run [`inspect`] off the async executor.
//!
//! Here: [`inspect`]; the kinds, their sniffing and the refusals ([`kind`]), what is read
//! ([`facts`]), the screening every file passes ([`screen`]) and the two parsers ([`parsers`])
//! each in their own file.

mod facts;
mod kind;
mod parsers;
mod screen;

use std::path::Path;

pub use facts::Facts;
pub use kind::{RecordKind, Unreadable, sniff};

/// Reads the spooled file at `path` as `kind`: the checks every record file passes, then its
/// parser's.
pub fn inspect(path: &Path, kind: RecordKind) -> Result<Facts, Unreadable> {
    screen::scan(path, kind)?;
    match kind {
        RecordKind::Pdf => parsers::pdf(path),
        RecordKind::Dicom => parsers::dicom(path),
    }
}
