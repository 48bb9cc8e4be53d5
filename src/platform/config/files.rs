//! The settings of object storage and of the uploads' image pipeline.

use secrecy::SecretString;
use serde::Deserialize;

use super::secret_opt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    /// A local directory: the embedded profile.
    Fs,
    /// Any S3-compatible store (MinIO, Tencent COS, Aliyun OSS through their S3 endpoints).
    S3,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StorageSettings {
    pub backend: StorageBackend,
    /// Directory of the `fs` backend; key prefix within the bucket for `s3` (empty: none).
    pub root: String,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub bucket: Option<String>,
    pub region: String,
    #[serde(default, deserialize_with = "secret_opt")]
    pub access_key_id: Option<SecretString>,
    #[serde(default, deserialize_with = "secret_opt")]
    pub secret_access_key: Option<SecretString>,
    /// `bucket.host` addressing (COS and OSS want it); path style otherwise (MinIO).
    #[serde(default)]
    pub virtual_host_style: bool,
    /// Per operation, and per read or write of a chunk.
    pub timeout_ms: u64,
    /// Every storage call's total deadline, all attempts and backoffs together.
    pub deadline_ms: u64,
    /// Retries of a failed operation (with backoff) before the request fails.
    pub retries: usize,
    /// How long an object written ahead of its row may go unnamed before the worker removes
    /// it as left behind (a crash or a failed transaction between the two): far longer than
    /// the slowest upload may take.
    pub orphan_grace_secs: u64,
}

impl StorageSettings {
    /// The longest an upload of `bytes` may spend writing its object: the slowest rate given
    /// time for, plus the call's deadline.
    pub fn longest_write_secs(&self, bytes: u64) -> u64 {
        bytes / crate::platform::storage::MIN_WRITE_RATE + self.deadline_ms.div_ceil(1000)
    }
}

/// Medical-record photo uploads.
#[derive(Debug, Clone, Deserialize)]
pub struct UploadSettings {
    /// The largest file taken; a larger one is refused (413) as soon as the limit is crossed.
    pub max_file_bytes: usize,
    /// Documents a case holds at most (deleted ones do not count).
    pub max_documents_per_case: i32,
    /// Images declaring more pixels than this are refused before decoding.
    pub max_pixels: u64,
    /// Neither side may exceed this (pixels).
    pub max_dimension: u32,
    /// Memory one decode may allocate.
    pub max_decode_bytes: u64,
    /// The stored image's longest side at most.
    pub max_side: u32,
    pub thumbnail_side: u32,
    /// JPEG quality of the stored image (small print must stay legible).
    pub jpeg_quality: u8,
    pub thumbnail_quality: u8,
    /// Images decoded and encoded at once; 0: one per core.
    pub pipeline_workers: usize,
    /// How long a signed image address (for `<image src>`) stays valid.
    pub signed_url_ttl_secs: u64,
    /// Decoded bytes per byte of file at most (a decompression bomb unpacks to thousands).
    pub max_expansion: u64,
    /// The memory all images in the pipeline may hold at once, in bytes: an upload waits for
    /// its share (from its header) before any pixel is decoded.
    pub pipeline_budget_bytes: u64,
    /// The largest written report (PDF) a specialist may upload to a case.
    pub max_report_bytes: usize,
    /// The largest PDF medical record taken (spooled to a temporary file, never held whole).
    pub max_pdf_bytes: u64,
    /// The largest DICOM file taken (one file of a study; spooled, never held whole).
    pub max_dicom_bytes: u64,
    /// PDF and DICOM files a case holds at most (an imaging study is hundreds of files).
    pub max_record_files_per_case: i32,
    /// Where a PDF or DICOM upload is spooled while it arrives (empty: the system's temporary
    /// directory); it must hold `max_dicom_bytes` per upload in flight.
    pub spool_dir: String,
}

/// The unit of the pipeline's memory budget (a semaphore permit).
pub const PIPELINE_BUDGET_UNIT: u64 = 64 * 1024;

impl UploadSettings {
    /// The pipeline's memory budget in permits of [`PIPELINE_BUDGET_UNIT`].
    pub fn budget_permits(&self) -> usize {
        usize::try_from(self.pipeline_budget_bytes / PIPELINE_BUDGET_UNIT)
            .unwrap_or(usize::MAX >> 4)
    }

    /// The permits an image of `bytes` takes (at least one, at most the whole budget).
    pub fn permits_for(&self, bytes: u64) -> u32 {
        let permits = bytes.div_ceil(PIPELINE_BUDGET_UNIT).max(1);
        u32::try_from(permits.min(self.budget_permits() as u64)).unwrap_or(u32::MAX)
    }

    pub fn workers(&self) -> usize {
        if self.pipeline_workers > 0 {
            self.pipeline_workers
        } else {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        }
    }
}
