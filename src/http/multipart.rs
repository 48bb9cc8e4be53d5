//! A multipart upload read as it arrives: one file part `file` and a few short text fields. The
//! file's first bytes decide where it goes ([`Sink`]): into memory (a photo, at most its limit,
//! the buffer sized from Content-Length) or spooled to a temporary file (a large medical record,
//! never held whole, its SHA-256 computed as it is written). The areas that take uploads turn a
//! refusal into their own words.

use std::collections::HashMap;

use actix_multipart::{Field, Multipart, MultipartError};
use bytes::{Bytes, BytesMut};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// Why a multipart body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartsError {
    /// Not `multipart/form-data`, or no boundary.
    MultipartRequired,
    /// The body broke off or does not parse.
    UploadIncomplete {
        reason: String,
    },
    TooManyFields,
    /// A second `file` part.
    TooManyFiles,
    FieldTooLong,
    FileTooLarge {
        max_bytes: u64,
    },
    /// No `file` part.
    FileRequired,
    /// The temporary file could not be written (a full disk).
    SpoolFailed {
        reason: String,
    },
}

/// The bytes of a file part that decide where it goes: a DICOM file's `DICM` is at 128.
pub const HEAD_BYTES: usize = 132;

/// Where a file part goes, decided from its first [`HEAD_BYTES`] (fewer if it is shorter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    Memory { max_bytes: usize },
    Spool { max_bytes: u64 },
}

/// A file part spooled to a temporary file, removed when this is dropped.
#[derive(Debug)]
pub struct Spooled {
    pub path: tempfile::TempPath,
    pub len: u64,
    /// Hex SHA-256 of the bytes, computed as they were written.
    pub sha256: String,
}

/// A file part as read.
#[derive(Debug)]
pub enum FileBody {
    Memory(Bytes),
    Spooled(Spooled),
}

/// A multipart upload as read: the file part `file`, its file name, and the small fields.
#[derive(Debug)]
pub struct Upload {
    pub file: FileBody,
    pub file_name: Option<String>,
    pub fields: HashMap<String, String>,
}

/// A multipart upload whose file was read into memory.
#[derive(Debug)]
pub struct Parts {
    pub file: Bytes,
    pub file_name: Option<String>,
    pub fields: HashMap<String, String>,
}

fn multipart_error(error: MultipartError) -> PartsError {
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => PartsError::MultipartRequired,
        other => PartsError::UploadIncomplete {
            reason: other.to_string(),
        },
    }
}

fn spool_error(error: std::io::Error) -> PartsError {
    PartsError::SpoolFailed {
        reason: error.to_string(),
    }
}

const MAX_FIELD_BYTES: usize = 1024;
const MAX_FIELDS: usize = 16;

/// Reads the parts of `multipart` with the file in memory, at most `max_file` bytes;
/// `expected`: the Content-Length, when known.
pub async fn read_parts(
    multipart: Multipart,
    max_file: usize,
    expected: usize,
) -> Result<Parts, PartsError> {
    let upload = read_upload(multipart, expected, None, |_| Sink::Memory {
        max_bytes: max_file,
    })
    .await?;
    match upload.file {
        FileBody::Memory(file) => Ok(Parts {
            file,
            file_name: upload.file_name,
            fields: upload.fields,
        }),
        FileBody::Spooled(_) => Err(PartsError::FileTooLarge {
            max_bytes: max_file as u64,
        }),
    }
}

/// Reads the parts of `multipart`, the file where `decide` sends it by its first bytes (a
/// spooled file in `spool_dir`, the system's temporary directory when none is named).
pub async fn read_upload(
    mut multipart: Multipart,
    expected: usize,
    spool_dir: Option<&std::path::Path>,
    decide: impl Fn(&[u8]) -> Sink,
) -> Result<Upload, PartsError> {
    let mut file: Option<(FileBody, Option<String>)> = None;
    let mut fields = HashMap::new();
    let mut count = 0;
    while let Some(mut field) = multipart.try_next().await.map_err(multipart_error)? {
        count += 1;
        if count > MAX_FIELDS {
            return Err(PartsError::TooManyFields);
        }
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if file.is_some() {
                return Err(PartsError::TooManyFiles);
            }
            let file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_owned);
            let body = read_file(&mut field, expected, spool_dir, &decide).await?;
            file = Some((body, file_name));
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
                if value.len() + chunk.len() > MAX_FIELD_BYTES {
                    return Err(PartsError::FieldTooLong);
                }
                value.extend_from_slice(&chunk);
            }
            fields.insert(name, String::from_utf8_lossy(&value).into_owned());
        }
    }
    let (file, file_name) = file.ok_or(PartsError::FileRequired)?;
    Ok(Upload {
        file,
        file_name,
        fields,
    })
}

/// The file part: its head read first, then the rest where the head sends it.
async fn read_file(
    field: &mut Field,
    expected: usize,
    spool_dir: Option<&std::path::Path>,
    decide: &impl Fn(&[u8]) -> Sink,
) -> Result<FileBody, PartsError> {
    let mut head = BytesMut::with_capacity(HEAD_BYTES);
    let mut rest: Option<Bytes> = None;
    // A field must not be polled again once it has ended.
    let mut ended = false;
    while head.len() < HEAD_BYTES {
        match field.try_next().await.map_err(multipart_error)? {
            Some(chunk) => {
                let take = (HEAD_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                if take < chunk.len() {
                    rest = Some(chunk.slice(take..));
                }
            }
            None => {
                ended = true;
                break;
            }
        }
    }
    match decide(&head) {
        Sink::Memory { max_bytes } => {
            // Sized from Content-Length (capped by the limit): no doubling of a 10 MB buffer.
            let mut buffer = BytesMut::with_capacity(expected.min(max_bytes).max(head.len()));
            let mut put = |chunk: &[u8]| {
                if buffer.len() + chunk.len() > max_bytes {
                    return Err(PartsError::FileTooLarge {
                        max_bytes: max_bytes as u64,
                    });
                }
                buffer.extend_from_slice(chunk);
                Ok(())
            };
            put(&head)?;
            if let Some(chunk) = rest {
                put(&chunk)?;
            }
            while !ended && let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
                put(&chunk)?;
            }
            Ok(FileBody::Memory(buffer.freeze()))
        }
        Sink::Spool { max_bytes } => {
            let head = (head.freeze(), rest);
            spool(field, head, ended, spool_dir, max_bytes).await
        }
    }
}

/// Writes the file part to a temporary file as it arrives, hashing it on the way.
async fn spool(
    field: &mut Field,
    (head, rest): (Bytes, Option<Bytes>),
    mut ended: bool,
    spool_dir: Option<&std::path::Path>,
    max_bytes: u64,
) -> Result<FileBody, PartsError> {
    let dir = spool_dir.map_or_else(std::env::temp_dir, std::path::Path::to_path_buf);
    let temporary = tokio::task::spawn_blocking(move || tempfile::NamedTempFile::new_in(dir))
        .await
        .map_err(|e| spool_error(std::io::Error::other(e)))?
        .map_err(spool_error)?;
    let (file, path) = temporary.into_parts();
    let mut file = tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    let mut hasher = Sha256::new();
    let mut len: u64 = 0;
    let mut first = Some(head).into_iter().chain(rest);
    loop {
        let chunk = match first.next() {
            Some(chunk) => chunk,
            None if ended => break,
            None => match field.try_next().await.map_err(multipart_error)? {
                Some(chunk) => chunk,
                None => {
                    ended = true;
                    continue;
                }
            },
        };
        len += chunk.len() as u64;
        if len > max_bytes {
            return Err(PartsError::FileTooLarge { max_bytes });
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(spool_error)?;
    }
    file.flush().await.map_err(spool_error)?;
    Ok(FileBody::Spooled(Spooled {
        path,
        len,
        sha256: hex::encode(hasher.finalize()),
    }))
}
