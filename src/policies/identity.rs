//! The insured's identity as the policy states it: `ResidentId` (GB 11643: checksum with a final
//! X, a real birth date), other document kinds, and names normalised so that full-width spaces and
//! the several middle dots of minority names compare equal.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("a resident ID number has 18 characters: 17 digits and a digit or X")]
    ResidentIdShape,
    #[error("the resident ID number's check digit does not match")]
    ResidentIdChecksum,
    #[error("the resident ID number's birth date is not a real date")]
    ResidentIdBirthDate,
    #[error("the resident ID number's region code is not valid")]
    ResidentIdRegion,
    #[error("a document number is 5 to 20 letters and digits")]
    DocumentNumber,
    #[error("unknown document type `{0}`")]
    IdType(String),
    #[error("a name is 1 to 50 letters (Chinese or Latin), spaces and middle dots")]
    Name,
}

/// The document kinds a policy may name its insured by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证
    ResidentId,
    Passport,
    /// 港澳居民来往内地通行证
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    /// 外国人永久居留身份证
    ForeignPermanentResident,
}

impl IdType {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        match text.trim() {
            "resident_id" | "身份证" | "居民身份证" => Ok(IdType::ResidentId),
            "passport" | "护照" => Ok(IdType::Passport),
            "hk_macao_permit" => Ok(IdType::HkMacaoPermit),
            "taiwan_permit" => Ok(IdType::TaiwanPermit),
            "foreign_permanent_resident" => Ok(IdType::ForeignPermanentResident),
            other => Err(IdentityError::IdType(other.chars().take(40).collect())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdType::ResidentId => "resident_id",
            IdType::Passport => "passport",
            IdType::HkMacaoPermit => "hk_macao_permit",
            IdType::TaiwanPermit => "taiwan_permit",
            IdType::ForeignPermanentResident => "foreign_permanent_resident",
        }
    }
}

/// A mainland resident ID number that passed GB 11643: 6-digit region, 8-digit birth date,
/// 3-digit sequence, ISO 7064 MOD 11-2 check character (0–9 or X).
#[derive(Clone, PartialEq, Eq)]
pub struct ResidentId(String);

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643 check character of a resident ID number's first 17 digits (a digit or `X`).
pub fn check_char(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum();
    CHECK[(sum % 11) as usize] as char
}

impl ResidentId {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        let normalised: String = text
            .trim()
            .chars()
            .map(|c| match c {
                'x' | 'ｘ' | 'Ｘ' => 'X',
                '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                c => c,
            })
            .collect();
        let bytes = normalised.as_bytes();
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdentityError::ResidentIdShape);
        }
        if check_char(&normalised[..17]) as u8 != bytes[17] {
            return Err(IdentityError::ResidentIdChecksum);
        }
        if &normalised[..2] < "11" || &normalised[..2] > "82" {
            return Err(IdentityError::ResidentIdRegion);
        }
        let birth = NaiveDate::parse_from_str(&normalised[6..14], "%Y%m%d")
            .map_err(|_| IdentityError::ResidentIdBirthDate)?;
        if birth.year() < 1900 || birth > chrono::Utc::now().date_naive() {
            return Err(IdentityError::ResidentIdBirthDate);
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or(NaiveDate::MIN)
    }

    /// `110101********1234`
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// A document number of any kind, normalised; what is sealed and indexed.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber {
    id_type: IdType,
    value: String,
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({:?}, {})", self.id_type, self.masked())
    }
}

impl IdNumber {
    pub fn parse(id_type: IdType, text: &str) -> Result<Self, IdentityError> {
        let value = match id_type {
            IdType::ResidentId => ResidentId::parse(text)?.0,
            _ => {
                let value: String = text
                    .trim()
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .map(|c| c.to_ascii_uppercase())
                    .collect();
                if !(5..=20).contains(&value.len())
                    || !value.chars().all(|c| c.is_ascii_alphanumeric())
                {
                    return Err(IdentityError::DocumentNumber);
                }
                value
            }
        };
        Ok(Self { id_type, value })
    }

    pub fn id_type(&self) -> IdType {
        self.id_type
    }

    pub fn expose(&self) -> &str {
        &self.value
    }

    /// What the blind index is computed over: the type and the number.
    pub fn index_input(&self) -> String {
        format!("{}:{}", self.id_type.as_str(), self.value)
    }

    pub fn masked(&self) -> String {
        match self.id_type {
            IdType::ResidentId => format!("{}********{}", &self.value[..6], &self.value[14..]),
            _ => {
                let keep = 4.min(self.value.len());
                format!(
                    "{}{}",
                    "*".repeat(self.value.len() - keep),
                    &self.value[self.value.len() - keep..]
                )
            }
        }
    }
}

/// A person's name as written on a policy or typed by a user, normalised for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

const MIDDLE_DOTS: &[char] = &['·', '•', '・', '‧', '∙', '．', '.', '･', '⋅', '▪', '●'];

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF)
}

impl PersonName {
    pub fn parse(text: &str) -> Result<Self, IdentityError> {
        // Full-width Latin letters to ASCII, every middle dot to U+00B7, any run of white space
        // (the full-width U+3000 included) to one space.
        let mapped: String = text
            .chars()
            .map(|c| match c {
                'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                c if MIDDLE_DOTS.contains(&c) => '·',
                c if c.is_whitespace() => ' ',
                c => c,
            })
            .collect();
        let words: Vec<&str> = mapped.split(' ').filter(|w| !w.is_empty()).collect();
        let mut name = String::new();
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                // Spaces inside a Chinese name are typing noise; between Latin words they count.
                let prev = name.chars().last().unwrap_or(' ');
                let next = word.chars().next().unwrap_or(' ');
                if !(is_cjk(prev) || is_cjk(next) || prev == '·' || next == '·') {
                    name.push(' ');
                }
            }
            name.push_str(word);
        }
        let name = name.trim_matches('·').to_owned();
        let count = name.chars().count();
        if count == 0
            || count > 50
            || !name
                .chars()
                .all(|c| is_cjk(c) || c.is_ascii_alphabetic() || c == ' ' || c == '·' || c == '-')
        {
            return Err(IdentityError::Name);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A name as stored, masked; `*` for one that does not parse.
    pub fn mask_stored(stored: &str) -> String {
        Self::parse(stored).map_or_else(|_| "*".to_owned(), |n| n.masked())
    }

    /// `张*`, `欧阳**`, `买买提·**`: the first character kept.
    pub fn masked(&self) -> String {
        let mut chars = self.0.chars();
        let first = chars.next().unwrap_or('*');
        format!("{first}{}", "*".repeat(chars.count().min(8)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Appends the GB 11643 check character to 17 digits.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_char(first17))
    }

    #[test]
    fn gb_11643_check_characters_including_x() {
        // The standard's own example.
        assert!(ResidentId::parse("11010519491231002X").is_ok());
        assert!(
            ResidentId::parse("11010519491231002x").is_ok(),
            "lower-case x"
        );
        assert_eq!(
            ResidentId::parse("110105194912310021"),
            Err(IdentityError::ResidentIdChecksum)
        );
        assert_eq!(
            ResidentId::parse("1101051949123100"),
            Err(IdentityError::ResidentIdShape)
        );
        let feb30 = with_check("11010519490230002");
        assert_eq!(
            ResidentId::parse(&feb30),
            Err(IdentityError::ResidentIdBirthDate)
        );
        let future = with_check("11010521990101002");
        assert_eq!(
            ResidentId::parse(&future),
            Err(IdentityError::ResidentIdBirthDate)
        );
        let region = with_check("00010519490101002");
        assert_eq!(
            ResidentId::parse(&region),
            Err(IdentityError::ResidentIdRegion)
        );
        let id = ResidentId::parse("11010519491231002X").expect("valid");
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(format!("{id:?}"), "ResidentId(110105********002X)");
    }

    #[test]
    fn names_compare_equal_across_spaces_and_middle_dots() {
        let plain = PersonName::parse("买买提·艾力").expect("valid");
        for variant in [
            "买买提•艾力",
            "买买提・艾力",
            " 买买提 · 艾力 ",
            "买买提．艾力",
        ] {
            assert_eq!(
                PersonName::parse(variant).expect("valid"),
                plain,
                "{variant}"
            );
        }
        assert_eq!(
            PersonName::parse("张\u{3000}三").expect("valid").as_str(),
            "张三"
        );
        assert_eq!(
            PersonName::parse("John  Ｓmith").expect("valid").as_str(),
            "John Smith"
        );
        assert!(PersonName::parse("").is_err());
        assert!(PersonName::parse("张3").is_err());
        assert_eq!(
            PersonName::parse("欧阳娜娜").expect("valid").masked(),
            "欧***"
        );
    }

    #[test]
    fn other_documents_keep_only_the_last_four() {
        let passport = IdNumber::parse(IdType::Passport, "e1234 5678").expect("valid");
        assert_eq!(passport.expose(), "E12345678");
        assert_eq!(passport.masked(), "*****5678");
        assert!(IdNumber::parse(IdType::Passport, "12").is_err());
    }

    proptest! {
        #[test]
        fn any_seventeen_digits_with_their_check_character_parse(
            region in 110000u32..659999, days in 0i64..40000, seq in 0u32..999
        ) {
            let birth = NaiveDate::from_ymd_opt(1910, 1, 1).expect("date") + chrono::Days::new(days as u64);
            let first17 = format!("{region:06}{}{seq:03}", birth.format("%Y%m%d"));
            let id = with_check(&first17);
            prop_assert!(ResidentId::parse(&id).is_ok(), "{}", id);
            // Any other check character is refused.
            let last = id.as_bytes()[17];
            for wrong in b"0123456789X" {
                if *wrong != last {
                    let bad = format!("{}{}", &id[..17], *wrong as char);
                    prop_assert_eq!(ResidentId::parse(&bad), Err(IdentityError::ResidentIdChecksum));
                }
            }
        }
    }
}
