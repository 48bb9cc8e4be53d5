//! `jsonwebtoken`'s crypto provider for the HMAC family (HS256, HS384, HS512) on the `hmac` and
//! `sha2` crates the service already uses. It replaces the crate's `rust_crypto` backend, which
//! compiles RSA, ECDSA and EdDSA (and a second generation of the RustCrypto hashes) for
//! algorithms the tokens never use; those are refused here. The service itself signs and
//! accepts HS256 only (`auth::jwt` pins it in the validation).

use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};
use sha2::{Sha256, Sha384, Sha512};
use signature::{Signer, Verifier};

/// One HMAC key, keyed once, cloned per message.
#[derive(Clone)]
enum Keyed {
    Hs256(Hmac<Sha256>),
    Hs384(Hmac<Sha384>),
    Hs512(Hmac<Sha512>),
}

fn keyed<M: KeyInit>(secret: &[u8]) -> Result<M> {
    M::new_from_slice(secret).map_err(|_| ErrorKind::InvalidKeyFormat.into())
}

impl Keyed {
    fn new(algorithm: Algorithm, family: AlgorithmFamily, secret: &[u8]) -> Result<Self> {
        if family != AlgorithmFamily::Hmac {
            return Err(ErrorKind::InvalidAlgorithm.into());
        }
        Ok(match algorithm {
            Algorithm::HS256 => Self::Hs256(keyed(secret)?),
            Algorithm::HS384 => Self::Hs384(keyed(secret)?),
            Algorithm::HS512 => Self::Hs512(keyed(secret)?),
            _ => return Err(ErrorKind::InvalidAlgorithm.into()),
        })
    }

    fn tag(&self, message: &[u8]) -> Vec<u8> {
        fn run<M: Mac + Clone>(mac: &M, message: &[u8]) -> Vec<u8> {
            let mut mac = mac.clone();
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        match self {
            Self::Hs256(mac) => run(mac, message),
            Self::Hs384(mac) => run(mac, message),
            Self::Hs512(mac) => run(mac, message),
        }
    }

    fn check(&self, message: &[u8], tag: &[u8]) -> bool {
        // Constant-time comparison.
        fn run<M: Mac + Clone>(mac: &M, message: &[u8], tag: &[u8]) -> bool {
            let mut mac = mac.clone();
            mac.update(message);
            mac.verify_slice(tag).is_ok()
        }
        match self {
            Self::Hs256(mac) => run(mac, message, tag),
            Self::Hs384(mac) => run(mac, message, tag),
            Self::Hs512(mac) => run(mac, message, tag),
        }
    }

    fn algorithm(&self) -> Algorithm {
        match self {
            Self::Hs256(_) => Algorithm::HS256,
            Self::Hs384(_) => Algorithm::HS384,
            Self::Hs512(_) => Algorithm::HS512,
        }
    }
}

impl Signer<Vec<u8>> for Keyed {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        Ok(self.tag(message))
    }
}

impl Verifier<Vec<u8>> for Keyed {
    fn verify(&self, message: &[u8], tag: &Vec<u8>) -> std::result::Result<(), signature::Error> {
        match self.check(message, tag) {
            true => Ok(()),
            false => Err(signature::Error::new()),
        }
    }
}

impl JwtSigner for Keyed {
    fn algorithm(&self) -> Algorithm {
        Keyed::algorithm(self)
    }
}

impl JwtVerifier for Keyed {
    fn algorithm(&self) -> Algorithm {
        Keyed::algorithm(self)
    }
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    Ok(Box::new(Keyed::new(
        *algorithm,
        key.family(),
        key.as_bytes(),
    )?))
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    let secret = key.try_get_as_bytes()?;
    Ok(Box::new(Keyed::new(*algorithm, key.family(), secret)?))
}

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    // No JWKs: the service publishes and reads none.
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes HS256 the process's JWT provider (the first install wins; later calls do nothing).
pub fn install() {
    let _ = PROVIDER.install_default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Header, Validation, decode, encode};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Claims {
        sub: String,
        exp: u64,
    }

    #[test]
    fn hs256_tokens_round_trip_and_a_changed_byte_is_refused() {
        install();
        let claims = Claims {
            sub: "u".to_owned(),
            exp: 4_000_000_000,
        };
        let key = b"a secret of at least thirty-two bytes!!";
        let token = encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(key),
        )
        .expect("signs");
        let validation = Validation::new(Algorithm::HS256);
        let read = decode::<Claims>(&token, &DecodingKey::from_secret(key), &validation)
            .expect("verifies");
        assert_eq!(read.claims, claims);
        let mut tampered = token.into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        assert!(decode::<Claims>(&tampered, &DecodingKey::from_secret(key), &validation).is_err());
        let other = decode::<Claims>(
            &String::from_utf8(tampered.into_bytes()).expect("ascii"),
            &DecodingKey::from_secret(b"another secret of thirty-two bytes!!!!"),
            &validation,
        );
        assert!(other.is_err());
    }

    #[test]
    fn a_published_hs256_token_verifies() {
        // The example token of the JWT debugger: an independent known answer for HMAC-SHA256.
        install();
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        let mut validation = Validation::new(Algorithm::HS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let read = decode::<serde_json::Value>(
            token,
            &DecodingKey::from_secret(b"your-256-bit-secret"),
            &validation,
        )
        .expect("verifies");
        assert_eq!(read.claims["name"], "John Doe");
        assert!(
            decode::<serde_json::Value>(token, &DecodingKey::from_secret(b"other"), &validation)
                .is_err()
        );
    }

    #[test]
    fn only_the_hmac_family_is_provided() {
        install();
        let key = EncodingKey::from_secret(b"k");
        assert!(signer(&Algorithm::HS512, &key).is_ok());
        assert!(signer(&Algorithm::RS256, &key).is_err());
        assert!(verifier(&Algorithm::ES256, &DecodingKey::from_secret(b"k")).is_err());
    }
}
