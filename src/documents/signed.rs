//! Short-lived signed addresses for a document's image and thumbnail: what a mini-program's
//! `<image src>` can load (it cannot send an `Authorization` header). The signature is an HMAC
//! over the document, the rendition, the reader and the expiry; it opens that one object for that
//! reader until then, and is checked like a token: the reader's rights are checked again at
//! read time (ownership, scope, an active account), and staff reads are audited as any other.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::error::DocumentError;
use super::view::Rendition;
use crate::cases::files::Reader;
use crate::state::AppState;

const DOMAIN: &str = "document-url";

/// Who a signed address is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    User(i64),
    Staff(i64),
}

impl Signer {
    fn text(self) -> String {
        match self {
            Signer::User(id) => format!("u{id}"),
            Signer::Staff(id) => format!("s{id}"),
        }
    }

    fn parse(text: &str) -> Option<Self> {
        let (kind, id) = text.split_at_checked(1)?;
        let id: i64 = id.parse().ok()?;
        match kind {
            "u" => Some(Signer::User(id)),
            "s" => Some(Signer::Staff(id)),
            _ => None,
        }
    }
}

/// Who the addresses of what `reader` sees are signed for.
pub fn signer_of(reader: Reader<'_>) -> Signer {
    match reader {
        Reader::User(id) => Signer::User(id),
        Reader::Staff { staff, .. } => Signer::Staff(staff.id()),
    }
}

/// The query of a signed address.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct Signature {
    /// Who it was issued to.
    pub by: Option<String>,
    /// Until when (Unix seconds).
    pub exp: Option<i64>,
    /// HMAC-SHA256, hex.
    pub sig: Option<String>,
}

impl Signature {
    pub fn present(&self) -> bool {
        self.by.is_some() || self.exp.is_some() || self.sig.is_some()
    }
}

fn rendition_text(rendition: Rendition) -> &'static str {
    match rendition {
        Rendition::Image => "image",
        Rendition::Thumbnail => "thumbnail",
    }
}

fn mac(
    state: &AppState,
    document: Uuid,
    rendition: Rendition,
    (by, generation): (&str, i64),
    exp: i64,
) -> String {
    state.crypto.mac(
        DOMAIN,
        &format!(
            "{document}|{}|{by}|{generation}|{exp}",
            rendition_text(rendition)
        ),
    )
}

/// Who addresses are signed for, and their generation (see
/// `auth::sessions::address_generation`): read once per answer.
#[derive(Debug, Clone, Copy)]
pub struct Signing {
    signer: Signer,
    generation: i64,
}

/// The signing of addresses for `signer` now.
pub async fn signing(state: &AppState, signer: Signer) -> Result<Signing, DocumentError> {
    let generation =
        crate::auth::sessions::address_generation::current(&*state.cache, &signer.text())
            .await
            .map_err(|e| DocumentError::Fault(e.into()))?;
    Ok(Signing { signer, generation })
}

/// The signed path of `document`'s `rendition` for `signer`, valid until `expires`.
pub fn path(
    state: &AppState,
    document: Uuid,
    rendition: Rendition,
    signing: Signing,
    expires: DateTime<Utc>,
) -> String {
    let by = signing.signer.text();
    let exp = expires.timestamp();
    let sig = mac(state, document, rendition, (&by, signing.generation), exp);
    let base = match rendition {
        Rendition::Image => format!("/api/v1/documents/{document}"),
        Rendition::Thumbnail => format!("/api/v1/documents/{document}/thumbnail"),
    };
    format!("{base}?by={by}&exp={exp}&sig={sig}")
}

/// How long addresses signed now stay valid: until when.
pub fn expiry(state: &AppState) -> DateTime<Utc> {
    Utc::now() + chrono::TimeDelta::seconds(state.settings.uploads.signed_url_ttl_secs as i64)
}

/// A document's image and thumbnail addresses for `signer`, valid for the configured time.
pub fn addresses(
    state: &AppState,
    document: &crate::attachments::store::documents::Document,
    signer: Signing,
) -> super::view::Addresses {
    let expires_at = expiry(state);
    let id = document.public_id;
    super::view::Addresses {
        url: path(state, id, Rendition::Image, signer, expires_at),
        // A PDF or DICOM file has no thumbnail.
        thumbnail_url: (!document.thumbnail_key.is_empty())
            .then(|| path(state, id, Rendition::Thumbnail, signer, expires_at)),
        expires_at,
    }
}

/// Checks a signed address: its reader (whose generation it must carry: not logged out since),
/// and the seconds it has left.
pub async fn verify(
    state: &AppState,
    document: Uuid,
    rendition: Rendition,
    signature: &Signature,
) -> Result<(Signer, i64), DocumentError> {
    let (Some(by), Some(exp), Some(sig)) = (&signature.by, signature.exp, &signature.sig) else {
        return Err(DocumentError::UrlSignatureInvalid);
    };
    let signer = Signer::parse(by).ok_or(DocumentError::UrlSignatureInvalid)?;
    let generation = signing(state, signer).await?.generation;
    let expected = mac(state, document, rendition, (by, generation), exp);
    if !crate::platform::crypto::same_secret(&expected, &sig.to_ascii_lowercase()) {
        return Err(DocumentError::UrlSignatureInvalid);
    }
    let left = exp - Utc::now().timestamp();
    if left <= 0 {
        return Err(DocumentError::UrlExpired);
    }
    Ok((signer, left))
}
