//! `Idempotency-Key`: a client retrying a request (the mini-program retries on a flaky mobile
//! network) gets the first answer instead of a second effect. The key row is inserted in the
//! transaction of the work it guards: a concurrent retry waits on the unique index until the
//! first commits (then replays its answer) or rolls back (then does the work itself).

use serde::Serialize;

use crate::platform::crypto::sha256_hex;
use crate::platform::error::{AreaError, Fault, Kind};

pub mod store;

pub const HEADER: &str = "Idempotency-Key";
/// Set on an answer replayed from an earlier request.
pub const REPLAYED_HEADER: &str = "Idempotent-Replayed";

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum IdempotencyError {
    #[error("缺少 Idempotency-Key 请求头：每次新的申请请生成一个唯一值，重试时沿用")]
    IdempotencyKeyRequired,
    #[error("Idempotency-Key 须为 8–128 位字母、数字或 -_:. 组成的字符串（如 UUID）")]
    IdempotencyKeyInvalid,
    #[error("该 Idempotency-Key 已用于另一个不同的请求，请为新的申请生成新的值")]
    IdempotencyKeyReused,
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(IdempotencyError);

impl AreaError for IdempotencyError {
    fn kind(&self) -> Kind {
        match self {
            Self::IdempotencyKeyRequired | Self::IdempotencyKeyInvalid => Kind::BadRequest,
            Self::IdempotencyKeyReused => Kind::Unprocessable,
            Self::Fault(_) => Kind::Internal,
        }
    }

    crate::platform::error::area_error_glue!(Fault);
}

/// What the first request with a key did: the handler chooses the status from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something new was made (a case, a document).
    Created,
    /// The work was done; nothing new to point at.
    Done,
}

impl Outcome {
    /// The number the key's row keeps (the HTTP status the first answer had, which is what a
    /// replay answers with).
    pub(super) fn stored(self) -> i32 {
        match self {
            Outcome::Created => 201,
            Outcome::Done => 200,
        }
    }

    pub(super) fn from_stored(status: i32) -> Self {
        if status == 201 {
            Outcome::Created
        } else {
            Outcome::Done
        }
    }
}

/// The answer given to the first request with a key, to give again to its retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub outcome: Outcome,
    /// JSON.
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    owner: String,
    key: String,
    request_hash: String,
}

impl IdempotencyKey {
    /// Reads the header's value; `operation` and the parsed body make the request's fingerprint.
    pub fn parse<T: Serialize>(
        header: Option<&str>,
        owner: String,
        operation: &str,
        body: &T,
    ) -> Result<Self, IdempotencyError> {
        let key = header
            .ok_or(IdempotencyError::IdempotencyKeyRequired)?
            .trim();
        let valid = (8..=128).contains(&key.len())
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c));
        if !valid {
            return Err(IdempotencyError::IdempotencyKeyInvalid);
        }
        let canonical = serde_json::to_string(
            &serde_json::to_value(body)
                .map_err(anyhow::Error::from)
                .map_err(Fault::from)?,
        )
        .map_err(anyhow::Error::from)
        .map_err(Fault::from)?;
        Ok(Self {
            owner,
            key: key.to_owned(),
            request_hash: sha256_hex(&format!("{operation}\n{canonical}")),
        })
    }
}
