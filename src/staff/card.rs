//! How a specialist introduces themself to the insured (seed 002 (一)1.2 「收到…医疗服务专员的
//! 联络信息」, seed 001 「安排专人与被保人沟通」): the name they give and the line they answer,
//! as their account holds them. Never the login, which is an internal token.

use serde::{Deserialize, Serialize};

/// The longest name and work phone an account may carry.
pub const MAX_NAME_CHARS: usize = 32;
pub const MAX_PHONE_CHARS: usize = 32;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCard {
    pub display_name: Option<String>,
    pub work_phone: Option<String>,
}

/// Why a card is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardError {
    NameTooLong,
    /// A work phone is digits, spaces, `-`, `+`, `(`, `)` and `转` (an extension), with at least
    /// five digits.
    PhoneInvalid,
}

impl StaffCard {
    /// A card as typed: blanks are none, the rest trimmed and checked.
    pub fn parse(name: Option<&str>, phone: Option<&str>) -> Result<Self, CardError> {
        let tidy = |v: Option<&str>| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let display_name = tidy(name);
        let work_phone = tidy(phone);
        if display_name
            .as_deref()
            .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
        {
            return Err(CardError::NameTooLong);
        }
        if let Some(phone) = &work_phone {
            let allowed = |c: char| c.is_ascii_digit() || " -+()转".contains(c);
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            if phone.chars().count() > MAX_PHONE_CHARS || !phone.chars().all(allowed) || digits < 5
            {
                return Err(CardError::PhoneInvalid);
            }
        }
        Ok(Self {
            display_name,
            work_phone,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_are_tidied_and_checked() {
        let card = StaffCard::parse(Some(" 王专员 "), Some("400-606-5033转8012")).expect("valid");
        assert_eq!(card.display_name.as_deref(), Some("王专员"));
        assert_eq!(card.work_phone.as_deref(), Some("400-606-5033转8012"));
        assert_eq!(StaffCard::parse(Some(" "), None), Ok(StaffCard::default()));
        assert_eq!(
            StaffCard::parse(None, Some("call me")),
            Err(CardError::PhoneInvalid)
        );
        assert_eq!(
            StaffCard::parse(None, Some("123")),
            Err(CardError::PhoneInvalid)
        );
        assert_eq!(
            StaffCard::parse(Some(&"长".repeat(33)), None),
            Err(CardError::NameTooLong)
        );
    }
}
