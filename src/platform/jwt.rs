//! Access tokens: HS256 JWTs with the algorithm pinned, `iss`, `aud`, `sub`, `sid`, `iat`,
//! `exp`. Expiry follows the real clock, never the business clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::platform::config::JwtSettings;

/// The mini-program's audience; the staff console will have its own.
pub const AUDIENCE_MINIAPP: &str = "miniapp";
const ALGORITHM: Algorithm = Algorithm::HS256;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user's public id.
    pub sub: String,
    /// The session id, checked against the session store on every request.
    pub sid: String,
    pub iat: u64,
    pub exp: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("not a well-formed token, or a bad signature")]
    Invalid,
    #[error("signed with another algorithm than the pinned one")]
    Algorithm,
    #[error("expired")]
    Expired,
    #[error("issued for another audience")]
    Audience,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Built once (the algorithm pinned, the issuer, the required claims, the leeway): every
    /// request verifies a token, and a `Validation` is several allocations. The audience is
    /// compared after it (one validation serves every audience).
    validation: Validation,
    issuer: String,
    ttl: Duration,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("issuer", &self.issuer)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl JwtKeys {
    pub fn from_settings(settings: &JwtSettings) -> anyhow::Result<Self> {
        super::jwt_hmac::install();
        let secret = settings
            .secret
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("APP_JWT__SECRET is missing"))?;
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(ALGORITHM);
        validation.leeway = 30;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Checked in `verify`, after the signature, expiry and issuer (the order jsonwebtoken
        // checks them in), so that an expired token is still "expired" for any audience.
        validation.validate_aud = false;
        Ok(Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            validation,
            issuer: settings.issuer.clone(),
            ttl: Duration::from_secs(settings.access_ttl_secs),
        })
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, subject: &str, session_id: &str, audience: &str) -> anyhow::Result<String> {
        let iat = unix_now();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: audience.to_owned(),
            sub: subject.to_owned(),
            sid: session_id.to_owned(),
            iat,
            exp: iat + self.ttl.as_secs(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(ALGORITHM),
            &claims,
            &self.encoding,
        )?)
    }

    pub fn verify(&self, token: &str, audience: &str) -> Result<Claims, TokenError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::InvalidAlgorithm => TokenError::Algorithm,
                // `none`, or an algorithm jsonwebtoken does not know, fails as a header it
                // cannot read: read the header's `alg` ourselves to give it its own answer.
                _ if header_algorithm(token).is_some_and(|alg| alg != "HS256") => {
                    TokenError::Algorithm
                }
                _ => TokenError::Invalid,
            })?;
        if claims.aud != audience {
            return Err(TokenError::Audience);
        }
        Ok(claims)
    }
}

/// The `alg` a token's header names, when the header reads as JSON (only asked of a token that
/// failed to verify).
fn header_algorithm(token: &str) -> Option<String> {
    let header = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get("alg")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn keys(secret: &str) -> JwtKeys {
        JwtKeys::from_settings(&JwtSettings {
            secret: Some(SecretString::from(secret.to_owned())),
            issuer: "green-channel".into(),
            access_ttl_secs: 900,
            refresh_ttl_secs: 86400,
        })
        .expect("keys")
    }

    #[test]
    fn a_token_verifies_for_its_audience_only() {
        let ours = keys("a-secret-of-at-least-thirty-two-bytes!");
        let token = ours
            .issue("user-1", "sid-1", AUDIENCE_MINIAPP)
            .expect("issued");
        let claims = ours.verify(&token, AUDIENCE_MINIAPP).expect("valid");
        assert_eq!(
            (claims.sub.as_str(), claims.sid.as_str()),
            ("user-1", "sid-1")
        );
        assert_eq!(
            ours.verify(&token, "console").expect_err("rejected"),
            TokenError::Audience
        );
        let other = keys("another-secret-of-at-least-thirty-two-bytes");
        assert_eq!(
            other
                .verify(&token, AUDIENCE_MINIAPP)
                .expect_err("rejected"),
            TokenError::Invalid
        );
        assert_eq!(
            ours.verify("garbage", AUDIENCE_MINIAPP)
                .expect_err("rejected"),
            TokenError::Invalid
        );
    }

    fn signed(claims: &Claims, secret: &str) -> String {
        jsonwebtoken::encode(
            &Header::new(ALGORITHM),
            claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .expect("signed")
    }

    #[test]
    fn expiry_and_issuer_are_checked_before_the_audience() {
        let secret = "a-secret-of-at-least-thirty-two-bytes!";
        let ours = keys(secret);
        let now = unix_now();
        let claims = |iss: &str, aud: &str, exp: u64| Claims {
            iss: iss.to_owned(),
            aud: aud.to_owned(),
            sub: "user-1".to_owned(),
            sid: "sid-1".to_owned(),
            iat: now,
            exp,
        };
        let expired = signed(&claims("green-channel", "console", now - 3600), secret);
        assert_eq!(
            ours.verify(&expired, AUDIENCE_MINIAPP)
                .expect_err("expired"),
            TokenError::Expired
        );
        // Within the 30 s leeway it still verifies.
        let just = signed(&claims("green-channel", AUDIENCE_MINIAPP, now - 10), secret);
        assert!(ours.verify(&just, AUDIENCE_MINIAPP).is_ok());
        let stranger = signed(&claims("someone-else", "console", now + 600), secret);
        assert_eq!(
            ours.verify(&stranger, AUDIENCE_MINIAPP)
                .expect_err("another issuer"),
            TokenError::Invalid
        );
        let console = signed(&claims("green-channel", "console", now + 600), secret);
        assert_eq!(
            ours.verify(&console, AUDIENCE_MINIAPP)
                .expect_err("another audience"),
            TokenError::Audience
        );
        assert!(ours.verify(&console, "console").is_ok());
    }
}
