//! Documents by courier (seed 004 陪诊 「报告及医保卡等通过快递寄送」; seed 002 (一)2.9(4)
//! 「医保卡、身份证、就医资料原件等通过快递或邮寄等方式提前寄送至医疗服务专员处，则产生的邮费需
//! 客户自理」): the insured asks for reports and cards to be sent back to an address, or how to
//! send originals; the specialist answers with the carrier and waybill, or with directions.
//! The address is sealed at rest for its case, shown in full only to the specialist who holds
//! the case (each read audited), masked everywhere else, and never in a subscribe message.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::CaseError;
use crate::platform::error::Fault;
use crate::state::AppState;
use crate::users::phone::PhoneNumber;

/// What the insured asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CourierPurpose {
    /// Send reports, cards and originals back to this address.
    ReturnDocuments,
    /// How (and where) to send originals to the specialist.
    SendOriginals,
}

impl CourierPurpose {
    pub fn code(self) -> &'static str {
        match self {
            Self::ReturnDocuments => "return_documents",
            Self::SendOriginals => "send_originals",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "return_documents" => Some(Self::ReturnDocuments),
            "send_originals" => Some(Self::SendOriginals),
            _ => None,
        }
    }

    /// `寄回报告及证件`, `询问如何寄送原件`.
    pub fn label(self) -> &'static str {
        match self {
            Self::ReturnDocuments => "寄回报告及证件",
            Self::SendOriginals => "询问如何寄送原件",
        }
    }
}

/// Where documents go back to, as the insured typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Up to 32 characters.
    pub recipient: String,
    pub phone: PhoneNumber,
    /// Province, city, district and street, up to 200 characters.
    pub detail: String,
}

impl Address {
    /// The address as typed, checked: a recipient, a mainland phone and an address.
    pub fn parse(recipient: &str, phone: &str, detail: &str) -> Result<Self, CaseError> {
        let (recipient, detail) = (recipient.trim(), detail.trim());
        if recipient.is_empty() || detail.is_empty() || phone.trim().is_empty() {
            return Err(CaseError::CourierAddressRequired);
        }
        if recipient.chars().count() > 32 || detail.chars().count() > 200 {
            return Err(CaseError::CourierAddressInvalid);
        }
        let phone =
            PhoneNumber::parse("86", phone.trim()).map_err(|_| CaseError::CourierAddressInvalid)?;
        Ok(Self {
            recipient: recipient.to_owned(),
            phone,
            detail: detail.to_owned(),
        })
    }

    /// `王** 138****1234 上海市浦东新区****`: the recipient's family name, the phone's ends and
    /// the address's first six characters.
    pub fn masked(&self) -> String {
        let name: String = self.recipient.chars().take(1).collect();
        let place: String = self.detail.chars().take(6).collect();
        format!("{name}** {} {place}****", self.phone.masked())
    }

    /// `王小明 13800001234 上海市浦东新区…`: in full.
    pub fn full(&self) -> String {
        format!(
            "{} {} {}",
            self.recipient,
            self.phone.for_dialling(),
            self.detail
        )
    }
}

/// A sealed address, as the row keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedAddress {
    pub sealed: Vec<u8>,
    pub masked: String,
}

impl std::fmt::Debug for SealedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedAddress({})", self.masked)
    }
}

fn aad(case_public_id: Uuid) -> String {
    format!("case_courier|address|{case_public_id}")
}

/// `address` sealed for the case `case_public_id`.
pub fn seal(
    state: &AppState,
    case_public_id: Uuid,
    address: &Address,
) -> Result<SealedAddress, Fault> {
    let sealed = state
        .crypto
        .seal_str(&address.full(), &aad(case_public_id))
        .map_err(anyhow::Error::from)?;
    Ok(SealedAddress {
        sealed,
        masked: address.masked(),
    })
}

/// The address of a request of the case `case_public_id` in full (`王小明 13800001234 …`),
/// if it has one.
pub fn open(
    state: &AppState,
    case_public_id: Uuid,
    courier: &Courier,
) -> Result<Option<String>, Fault> {
    let Some(sealed) = &courier.address_enc else {
        return Ok(None);
    };
    Ok(Some(
        state
            .crypto
            .open_str(sealed, &aad(case_public_id))
            .map_err(anyhow::Error::from)?,
    ))
}

/// A request as the insured makes it, checked and sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCourier {
    pub public_id: Uuid,
    pub purpose: CourierPurpose,
    pub address: Option<SealedAddress>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// The specialist's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CourierReply {
    /// Sent back: the carrier and the waybill number.
    Shipped { carrier: String, waybill: String },
    /// How and where to send originals.
    Directions { text: String },
}

impl CourierReply {
    /// An answer as typed: directions where given, else the carrier and the waybill (an
    /// empty one is refused by `cases::actions::perform`).
    pub fn typed(
        carrier: Option<String>,
        waybill: Option<String>,
        directions: Option<String>,
    ) -> Self {
        match directions.filter(|d| !d.trim().is_empty()) {
            Some(text) => Self::Directions { text },
            None => Self::Shipped {
                carrier: carrier.unwrap_or_default(),
                waybill: waybill.unwrap_or_default(),
            },
        }
    }
}

/// A stored request, as the domain reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Courier {
    pub id: i64,
    pub public_id: Uuid,
    pub purpose: CourierPurpose,
    pub address_enc: Option<Vec<u8>>,
    pub address_masked: Option<String>,
    pub note: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub carrier: Option<String>,
    pub waybill: Option<String>,
    pub instructions: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

impl Courier {
    pub fn is_open(&self) -> bool {
        self.answered_at.is_none()
    }
}

/// A request as the insured and the specialists read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CourierView {
    pub id: Uuid,
    pub purpose: CourierPurpose,
    /// `寄回报告及证件`, `询问如何寄送原件`.
    pub label: &'static str,
    /// The address: masked (`王** 138****1234 上海市浦东新区****`), in full only for the
    /// specialist who holds the case (`address_in_full`).
    pub address: Option<String>,
    pub address_in_full: bool,
    pub note: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub requested_at: DateTime<Utc>,
    pub carrier: Option<String>,
    pub waybill: Option<String>,
    /// How and where to send originals.
    pub instructions: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub answered_at: Option<DateTime<Utc>>,
    /// `待处理`, `已寄出`, `已答复`.
    pub status_text: &'static str,
}

impl CourierView {
    pub fn of(courier: &Courier) -> Self {
        Self {
            id: courier.public_id,
            purpose: courier.purpose,
            label: courier.purpose.label(),
            address: courier.address_masked.clone(),
            address_in_full: false,
            note: courier.note.clone(),
            requested_at: courier.requested_at,
            carrier: courier.carrier.clone(),
            waybill: courier.waybill.clone(),
            instructions: courier.instructions.clone(),
            answered_at: courier.answered_at,
            status_text: match (courier.answered_at, courier.purpose) {
                (None, _) => "待处理",
                (Some(_), CourierPurpose::ReturnDocuments) => "已寄出",
                (Some(_), CourierPurpose::SendOriginals) => "已答复",
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_checked_and_masked() {
        let address = Address::parse(" 王小明 ", "13800001234", "上海市浦东新区世纪大道100号")
            .expect("an address");
        assert_eq!(address.masked(), "王** 138****1234 上海市浦东新****");
        assert_eq!(
            address.full(),
            "王小明 13800001234 上海市浦东新区世纪大道100号"
        );
        assert!(matches!(
            Address::parse("", "13800001234", "上海"),
            Err(CaseError::CourierAddressRequired)
        ));
        assert!(matches!(
            Address::parse("王小明", "12345", "上海"),
            Err(CaseError::CourierAddressInvalid)
        ));
    }
}
