//! The phone the insured is reached on for a case (seed 002 (一)1.1 and seed 004 ask for a
//! contact with the application; 002 (一)2.9(8) asks the insured to keep it reachable). Given in
//! the form, or else the number they verified with WeChat's phone button, or else the one the
//! insurer has on file; sealed at rest, bound to the case; shown masked to everyone but the
//! specialist who holds the case and the supervisors, whose every read is audited.

use uuid::Uuid;

use super::apply_error::ApplyError;
use super::change::SealedPhone;
use super::store::Case;
use crate::platform::error::Fault;
use crate::policies::store::Policy;
use crate::staff::Role;
use crate::staff::access::CurrentStaff;
use crate::state::AppState;
use crate::users::phone::{PhoneNumber, unseal};

fn aad(case_public_id: Uuid) -> String {
    format!("service_case|contact_phone|{case_public_id}")
}

/// The number in the form (`contact_phone`, with `contact_country_code`, 86 by default).
pub fn parse(number: &str, country_code: Option<&str>) -> Result<PhoneNumber, ApplyError> {
    PhoneNumber::parse(country_code.unwrap_or("86"), number)
        .map_err(|_| ApplyError::ContactPhoneInvalid)
}

/// The phone a new case is reached on: the one given, or the WeChat-verified one, or the
/// policy's on file; refused when there is none.
pub async fn choose(
    state: &AppState,
    user_id: i64,
    policy: &Policy,
    given: Option<PhoneNumber>,
) -> Result<PhoneNumber, ApplyError> {
    if let Some(phone) = given {
        return Ok(phone);
    }
    if let Some(phone) = crate::users::service::verified_phone(state, user_id).await? {
        return Ok(phone);
    }
    crate::policies::service::phone_on_file(state, policy)?.ok_or(ApplyError::ContactPhoneRequired)
}

/// `phone` sealed for the case `case_public_id`.
pub fn seal(
    state: &AppState,
    case_public_id: Uuid,
    phone: &PhoneNumber,
) -> Result<SealedPhone, Fault> {
    let sealed = state
        .crypto
        .seal_str(&phone.normalised(), &aad(case_public_id))
        .map_err(anyhow::Error::from)?;
    Ok(SealedPhone {
        sealed,
        country_code: phone.country_code().to_owned(),
        masked: phone.masked(),
    })
}

/// The case's contact phone in full, if it has one.
pub fn open(state: &AppState, case: &Case) -> Result<Option<PhoneNumber>, Fault> {
    let (Some(sealed), Some(country)) = (&case.contact_phone_enc, &case.contact_phone_country)
    else {
        return Ok(None);
    };
    let aad = aad(case.public_id);
    Ok(unseal(&state.crypto, sealed, &aad, country).map_err(anyhow::Error::from)?)
}

/// Whether `staff` sees the insured's number in full: the specialist who holds the case calls
/// them, and the supervisors stand in; everyone else (other specialists, insurer viewers,
/// administrators) sees it masked.
pub fn may_see_in_full(staff: &CurrentStaff, case: &Case) -> bool {
    staff.role == Role::Supervisor || case.assignee_id == Some(staff.id())
}
