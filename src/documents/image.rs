//! What an upload is, decided by its content alone (magic bytes, never its name or declared
//! type), why one is refused, and what the pipeline makes of one.

use bytes::Bytes;
use image::ImageFormat;

/// What the bytes are, by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
}

impl Kind {
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
        }
    }

    pub(super) fn format(self) -> ImageFormat {
        match self {
            Kind::Jpeg => ImageFormat::Jpeg,
            Kind::Png => ImageFormat::Png,
            Kind::Webp => ImageFormat::WebP,
        }
    }
}

/// Why a file is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the file is empty")]
    Empty,
    #[error("HEIC/HEIF is not accepted")]
    Heic,
    /// Not an image type we take; the sniffed type if it has one.
    #[error("not a JPEG, PNG or WebP image ({0:?})")]
    Unsupported(Option<&'static str>),
    #[error("the image declares {width}×{height} pixels")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the image is damaged or incomplete: {0}")]
    Corrupt(String),
}

/// The image as stored, and its thumbnail.
#[derive(Debug, Clone)]
pub struct Processed {
    /// What was received.
    pub source: Kind,
    /// What is stored: JPEG (from JPEG or WebP photos) or PNG (screenshots stay lossless).
    pub kind: Kind,
    /// The stored bytes: slices of the upload (a JPEG kept as taken) or a new encoding.
    pub bytes: Vec<Bytes>,
    pub width: u32,
    pub height: u32,
    /// JPEG.
    pub thumbnail: Vec<u8>,
    pub thumbnail_width: u32,
    pub thumbnail_height: u32,
}

/// Decides the type by content alone.
pub fn sniff(bytes: &[u8]) -> Result<Kind, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if is_heif(bytes) {
        return Err(Refusal::Heic);
    }
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some("image/jpeg") => Ok(Kind::Jpeg),
        Some("image/png") => Ok(Kind::Png),
        Some("image/webp") => Ok(Kind::Webp),
        Some("image/heif" | "image/heic" | "image/heif-sequence" | "image/heic-sequence") => {
            Err(Refusal::Heic)
        }
        other => Err(Refusal::Unsupported(other)),
    }
}

/// An ISO-BMFF `ftyp` box naming a HEIF brand (what iPhones write).
fn is_heif(bytes: &[u8]) -> bool {
    if bytes.len() < 12 || &bytes[4..8] != b"ftyp" {
        return false;
    }
    matches!(
        &bytes[8..12],
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1"
    )
}
