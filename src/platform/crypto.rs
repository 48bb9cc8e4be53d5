//! Personal data at rest: AES-256-GCM field encryption and HMAC-SHA256 blind indexes (PIPL:
//! resident ID numbers, phone numbers and medical data are sensitive personal information).
//!
//! A sealed value is `key_id ‖ nonce (12 bytes) ‖ ciphertext+tag`: the key id lets a later key
//! rotation read old rows. The associated data binds a value to its table, column and row, so a
//! ciphertext copied into another row or column does not decrypt. The blind index uses its own
//! key, so a leaked index key does not expose the data (and vice versa).

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use secrecy::SecretString;
use sha2::{Digest, Sha256};

const KEY_ID: u8 = 1;
const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("a sealed value is malformed or was sealed for another place")]
    Unseal,
    #[error("sealing failed")]
    Seal,
    #[error("{0} is not the base64 encoding of 32 bytes")]
    BadKey(&'static str),
}

/// Encrypts and decrypts personal data, and computes blind indexes over it.
#[derive(Clone)]
pub struct Crypto {
    cipher: Aes256Gcm,
    index_key: [u8; 32],
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Crypto { .. }")
    }
}

impl Crypto {
    pub fn new(data_key: [u8; 32], index_key: [u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(&data_key.into()),
            index_key,
        }
    }

    pub fn from_settings(
        settings: &crate::platform::config::CryptoSettings,
    ) -> Result<Self, CryptoError> {
        let decode = |key: &Option<SecretString>, name| {
            key.as_ref()
                .and_then(crate::platform::config::decode_key)
                .ok_or(CryptoError::BadKey(name))
        };
        Ok(Self::new(
            decode(&settings.data_key, "APP_CRYPTO__DATA_KEY")?,
            decode(&settings.index_key, "APP_CRYPTO__INDEX_KEY")?,
        ))
    }

    /// Encrypts `plaintext` for one place (`aad`, e.g. `app_user|phone|42`).
    pub fn seal(&self, plaintext: &[u8], aad: &str) -> Result<Vec<u8>, CryptoError> {
        let nonce = Nonce::generate();
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Seal)?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(KEY_ID);
        sealed.extend_from_slice(nonce.as_slice());
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    pub fn open(&self, sealed: &[u8], aad: &str) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != KEY_ID {
            return Err(CryptoError::Unseal);
        }
        let nonce = Nonce::try_from(&sealed[1..=NONCE_LEN]).map_err(|_| CryptoError::Unseal)?;
        self.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: &sealed[1 + NONCE_LEN..],
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Unseal)
    }

    pub fn seal_str(&self, plaintext: &str, aad: &str) -> Result<Vec<u8>, CryptoError> {
        self.seal(plaintext.as_bytes(), aad)
    }

    pub fn open_str(&self, sealed: &[u8], aad: &str) -> Result<String, CryptoError> {
        String::from_utf8(self.open(sealed, aad)?).map_err(|_| CryptoError::Unseal)
    }

    /// The blind index of an already normalised value, scoped by `domain` (e.g. `phone`) so the
    /// same digits in two columns do not share an index.
    pub fn blind_index(&self, domain: &str, normalised: &str) -> String {
        self.mac(domain, normalised)
    }

    /// HMAC-SHA256 of `message` under the index key, scoped by `domain` (a blind index, a signed
    /// address): hex.
    pub fn mac(&self, domain: &str, message: &str) -> String {
        let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(&self.index_key)
            .expect("HMAC takes a key of any length");
        mac.update(domain.as_bytes());
        mac.update(b"\0");
        mac.update(message.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// The process's TLS crypto provider: ring, for every reqwest client (the WeChat client, the
/// object store's transport, and any other). reqwest is built without a provider of its own, so
/// a client made before this panics; the first install wins, later calls do nothing.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Whether two secrets (a CSRF token, a signature) are equal, comparing every byte whatever the
/// first difference, so the time taken does not tell how much of a guess was right.
pub fn same_secret(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A random 256-bit secret as URL-safe text (refresh tokens, lock owners).
pub fn random_token() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 as hex: how high-entropy secrets (refresh tokens, WeChat codes) are stored and keyed.
pub fn sha256_hex(value: &str) -> String {
    sha256_hex_bytes(value.as_bytes())
}

pub fn sha256_hex_bytes(value: &[u8]) -> String {
    hex::encode(Sha256::digest(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crypto() -> Crypto {
        Crypto::new([7; 32], [9; 32])
    }

    #[test]
    fn sealed_values_open_only_in_their_own_place() {
        let crypto = crypto();
        let sealed = crypto
            .seal_str("13800001234", "app_user|phone|1")
            .expect("seal");
        assert_eq!(
            crypto.open_str(&sealed, "app_user|phone|1").expect("open"),
            "13800001234"
        );
        assert!(crypto.open_str(&sealed, "app_user|phone|2").is_err());
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(crypto.open_str(&tampered, "app_user|phone|1").is_err());
        assert!(crypto.open(&[], "x").is_err());
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let crypto = crypto();
        let a = crypto.seal_str("same", "aad").expect("seal");
        let b = crypto.seal_str("same", "aad").expect("seal");
        assert_ne!(a, b);
        assert!(!String::from_utf8_lossy(&a).contains("same"));
    }

    #[test]
    fn blind_indexes_are_stable_keyed_and_scoped() {
        let crypto = crypto();
        let a = crypto.blind_index("phone", "+8613800001234");
        assert_eq!(a, crypto.blind_index("phone", "+8613800001234"));
        assert_ne!(a, crypto.blind_index("id_number", "+8613800001234"));
        assert_ne!(
            a,
            Crypto::new([7; 32], [8; 32]).blind_index("phone", "+8613800001234")
        );
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn random_tokens_carry_256_bits() {
        let token = random_token();
        assert_eq!(token.len(), 43);
        assert_ne!(token, random_token());
    }
}
