//! What a record file is, told by its content, and why one is refused.

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
}
