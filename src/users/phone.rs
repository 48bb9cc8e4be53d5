//! Phone numbers: parsed once, shown masked everywhere, sealed at rest.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("country code must be 1 to 3 digits")]
    CountryCode,
    #[error("not a mainland China mobile number")]
    ChinaMobile,
    #[error("a phone number is 4 to 15 digits")]
    Length,
}

/// A phone number as WeChat's phone button gives it: country code and national number.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    country_code: String,
    national: String,
}

impl fmt::Debug for PhoneNumber {
    // Never print the number itself: Debug ends up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

impl PhoneNumber {
    pub fn parse(country_code: &str, national: &str) -> Result<Self, PhoneError> {
        let country_code = country_code.trim().trim_start_matches('+');
        let national = national.trim();
        if country_code.is_empty()
            || country_code.len() > 3
            || !country_code.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(PhoneError::CountryCode);
        }
        if !national.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PhoneError::Length);
        }
        if country_code == "86" {
            // Mainland mobiles: 11 digits, 1 then 3–9.
            let bytes = national.as_bytes();
            if bytes.len() != 11 || bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
                return Err(PhoneError::ChinaMobile);
            }
        } else if !(4..=15).contains(&national.len()) {
            return Err(PhoneError::Length);
        }
        Ok(Self {
            country_code: country_code.to_owned(),
            national: national.to_owned(),
        })
    }

    pub fn country_code(&self) -> &str {
        &self.country_code
    }

    /// `+<cc><national>`: what is sealed and what the blind index is computed over.
    pub fn normalised(&self) -> String {
        format!("+{}{}", self.country_code, self.national)
    }

    pub fn from_normalised(country_code: &str, normalised: &str) -> Result<Self, PhoneError> {
        let national = normalised
            .strip_prefix('+')
            .and_then(|rest| rest.strip_prefix(country_code))
            .ok_or(PhoneError::CountryCode)?;
        Self::parse(country_code, national)
    }

    /// The number to dial: the national number in the mainland, `+<cc> <national>` elsewhere.
    pub fn for_dialling(&self) -> String {
        if self.country_code == "86" {
            self.national.clone()
        } else {
            format!("+{} {}", self.country_code, self.national)
        }
    }

    /// `138****1234`: three digits, the rest hidden but the last four.
    pub fn masked(&self) -> String {
        mask_digits(&self.national)
    }
}

/// A phone sealed as `normalised` writes it, opened with the associated data it was sealed
/// for; none when what it holds is not a number of `country_code`.
pub fn unseal(
    crypto: &crate::platform::crypto::Crypto,
    sealed: &[u8],
    aad: &str,
    country_code: &str,
) -> Result<Option<PhoneNumber>, crate::platform::crypto::CryptoError> {
    let normalised = crypto.open_str(sealed, aad)?;
    Ok(PhoneNumber::from_normalised(country_code, &normalised).ok())
}

fn mask_digits(digits: &str) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let keep_tail = 4.min(chars.len());
    let keep_head = if chars.len() >= 11 { 3 } else { 0 };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_head || i >= chars.len() - keep_tail {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainland_mobiles_are_checked_and_masked() {
        let phone = PhoneNumber::parse("86", "13800001234").expect("valid");
        assert_eq!(phone.masked(), "138****1234");
        assert_eq!(phone.normalised(), "+8613800001234");
        assert_eq!(format!("{phone:?}"), "PhoneNumber(138****1234)");
        for bad in ["1380000123", "23800001234", "12800001234", "1380000123x"] {
            assert!(PhoneNumber::parse("86", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_countries_keep_only_the_last_four_digits() {
        let phone = PhoneNumber::parse("852", "91234567").expect("valid");
        assert_eq!(phone.masked(), "****4567");
        assert_eq!(
            PhoneNumber::from_normalised("852", "+85291234567").expect("round trip"),
            phone
        );
        assert!(PhoneNumber::parse("8526", "91234567").is_err());
    }
}
