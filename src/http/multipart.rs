//! A multipart upload read as it arrives: one file part `file` (at most `max_file` bytes, its
//! buffer sized from Content-Length) and a few short text fields. The areas that take uploads
//! turn a refusal into their own words.

use std::collections::HashMap;

use actix_multipart::{Multipart, MultipartError};
use bytes::{Bytes, BytesMut};
use futures_util::TryStreamExt;

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
        max_bytes: usize,
    },
    /// No `file` part.
    FileRequired,
}

/// A multipart upload as read: the file part `file`, its file name, and the small fields.
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

const MAX_FIELD_BYTES: usize = 1024;
const MAX_FIELDS: usize = 16;

/// Reads the parts of `multipart`; `expected`: the Content-Length, when known.
pub async fn read_parts(
    mut multipart: Multipart,
    max_file: usize,
    expected: usize,
) -> Result<Parts, PartsError> {
    let mut file: Option<(Bytes, Option<String>)> = None;
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
            // Sized from Content-Length (capped by the limit): no doubling of a 10 MB buffer.
            let mut buffer = BytesMut::with_capacity(expected.min(max_file));
            while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
                if buffer.len() + chunk.len() > max_file {
                    return Err(PartsError::FileTooLarge {
                        max_bytes: max_file,
                    });
                }
                buffer.extend_from_slice(&chunk);
            }
            file = Some((buffer.freeze(), file_name));
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
    Ok(Parts {
        file,
        file_name,
        fields,
    })
}
