//! The users as other areas ask for them: the openid a message goes to, the user a WeChat push
//! names.

use super::phone::{PhoneNumber, unseal};
use crate::platform::error::Fault;
use crate::state::AppState;

use super::store;

/// The WeChat openid of a user (where their subscribe messages go); none when the user is gone.
pub async fn openid_of(state: &AppState, user_id: i64) -> Result<Option<String>, Fault> {
    Ok(store::find(&state.db, user_id).await?.map(|u| u.openid))
}

/// The user with this openid, if any (WeChat's pushes name users by openid).
pub async fn by_openid(state: &AppState, openid: &str) -> Result<Option<i64>, Fault> {
    Ok(store::find_by_openid(&state.db, openid)
        .await?
        .map(|u| u.id))
}

/// The phone a user verified through WeChat's phone button, if they did.
pub async fn verified_phone(state: &AppState, user_id: i64) -> Result<Option<PhoneNumber>, Fault> {
    let Some(user) = store::find(&state.db, user_id).await? else {
        return Ok(None);
    };
    let (Some(sealed), Some(country)) = (user.phone_enc, user.phone_country_code) else {
        return Ok(None);
    };
    let aad = store::phone_aad(user.id);
    Ok(unseal(&state.crypto, &sealed, &aad, &country).map_err(anyhow::Error::from)?)
}
