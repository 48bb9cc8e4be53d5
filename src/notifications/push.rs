//! WeChat's message push in safe mode, as documented (research §7): the signatures, and the
//! AES-256-CBC envelope. Pure functions: the handler and the events live in `push_events`.
//!
//! - URL check: SHA-1 hex of the sorted concatenation of [Token, timestamp, nonce] = `signature`.
//! - Events: SHA-1 hex of the sorted [Token, timestamp, nonce, Encrypt] = `msg_signature`.
//! - Key: base64(EncodingAESKey + "=") → 32 bytes; IV = its first 16 bytes; PKCS#7 padding with
//!   a block of 32; plaintext = 16 random bytes ‖ 4-byte big-endian length ‖ message ‖ appid,
//!   and the appid must be ours.

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeDecrypt, KeyIvInit};
use base64::Engine as _;
use sha1::{Digest, Sha1};

use crate::platform::crypto::same_secret;

type Decryptor = cbc::Decryptor<aes::Aes256>;

/// Why a push was refused. Nothing is recorded for any of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushRefusal {
    #[error("the signature does not match")]
    Signature,
    #[error("the timestamp is outside the accepted window")]
    Stale,
    #[error("the encrypted body is malformed")]
    Malformed,
    #[error("the message is for another AppID")]
    OtherApp,
}

/// SHA-1 hex of the lexicographically sorted concatenation of `parts`.
pub fn signature(parts: &[&str]) -> String {
    let mut sorted = parts.to_vec();
    sorted.sort_unstable();
    hex::encode(Sha1::digest(sorted.concat().as_bytes()))
}

/// Checks a signature over `parts` (the Token first is not required: they are sorted).
pub fn verify(parts: &[&str], given: &str) -> Result<(), PushRefusal> {
    if same_secret(&signature(parts), &given.to_ascii_lowercase()) {
        Ok(())
    } else {
        Err(PushRefusal::Signature)
    }
}

/// Refuses a push whose timestamp is more than `window_secs` from `now` (a replayed capture).
pub fn fresh(timestamp: &str, now_unix: i64, window_secs: i64) -> Result<(), PushRefusal> {
    let at: i64 = timestamp.trim().parse().map_err(|_| PushRefusal::Stale)?;
    if (now_unix - at).abs() <= window_secs {
        Ok(())
    } else {
        Err(PushRefusal::Stale)
    }
}

/// Decrypts `Encrypt` and checks that the trailing appid is `app_id`; the message's bytes.
pub fn decrypt(key: &[u8; 32], encrypted: &str, app_id: &str) -> Result<Vec<u8>, PushRefusal> {
    let mut buffer = base64::engine::general_purpose::STANDARD
        .decode(encrypted.trim())
        .map_err(|_| PushRefusal::Malformed)?;
    if buffer.is_empty() || buffer.len() % 32 != 0 {
        return Err(PushRefusal::Malformed);
    }
    let iv: [u8; 16] = key[..16].try_into().map_err(|_| PushRefusal::Malformed)?;
    let plain = Decryptor::new(key.into(), &iv.into())
        .decrypt_padded::<NoPadding>(&mut buffer)
        .map_err(|_| PushRefusal::Malformed)?;
    // PKCS#7 with a block of 32: the last byte says how many bytes to drop, all equal to it.
    let pad = usize::from(*plain.last().ok_or(PushRefusal::Malformed)?);
    if pad == 0 || pad > 32 || pad > plain.len() {
        return Err(PushRefusal::Malformed);
    }
    let (body, padding) = plain.split_at(plain.len() - pad);
    if padding.iter().any(|b| usize::from(*b) != pad) || body.len() < 20 {
        return Err(PushRefusal::Malformed);
    }
    let length = u32::from_be_bytes(
        body[16..20]
            .try_into()
            .map_err(|_| PushRefusal::Malformed)?,
    );
    let length = usize::try_from(length).map_err(|_| PushRefusal::Malformed)?;
    let rest = &body[20..];
    if length > rest.len() {
        return Err(PushRefusal::Malformed);
    }
    let (message, appid) = rest.split_at(length);
    if !same_secret(app_id, &String::from_utf8_lossy(appid)) {
        return Err(PushRefusal::OtherApp);
    }
    Ok(message.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_sha1_of_the_sorted_parts() {
        // sorted: "1409659813" < "1372623149" is false: "1372623149" < "1409659813" < "token"
        let expected = hex::encode(Sha1::digest(b"13726231491409659813token"));
        assert_eq!(signature(&["token", "1409659813", "1372623149"]), expected);
        assert!(verify(&["token", "1409659813", "1372623149"], &expected).is_ok());
        assert_eq!(
            verify(&["token", "1409659813", "1372623149"], "00"),
            Err(PushRefusal::Signature)
        );
    }

    #[test]
    fn stale_timestamps_are_refused() {
        assert!(fresh("1000", 1200, 300).is_ok());
        assert_eq!(fresh("1000", 2000, 300), Err(PushRefusal::Stale));
        assert_eq!(fresh("abc", 2000, 300), Err(PushRefusal::Stale));
    }
}
