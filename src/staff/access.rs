//! Who on the staff side may see and change what: the one place the console's pages and the
//! JSON staff API ask. Scope first (a case of another insurer does not exist for the account),
//! then the role, then ownership of the case.

use serde_json::{Value, json};

use super::role::Role;
use super::store::Account;
use crate::platform::error::{AreaError, Fault, Kind, variant_codes};
use crate::state::AppState;

/// The authenticated staff member of a request.
#[derive(Debug, Clone)]
pub struct CurrentStaff {
    pub account: Account,
    pub role: Role,
    pub session_id: String,
}

impl CurrentStaff {
    pub fn id(&self) -> i64 {
        self.account.id
    }

    /// Whether the account may see cases of `insurer_id`.
    pub fn sees(&self, insurer_id: i64) -> bool {
        self.account.insurer_id.is_none_or(|own| own == insurer_id)
    }
}

/// The staff member behind a session: the account re-read on every request, so a deactivated
/// account or a changed role or scope takes effect at once (API tokens and console cookies
/// alike). None when the account is gone or deactivated.
pub async fn session_staff(
    state: &AppState,
    staff_id: i64,
    session_id: String,
) -> Result<Option<CurrentStaff>, Fault> {
    let Some(account) = super::store::find_account(&state.db, staff_id)
        .await?
        .filter(|a| a.active)
    else {
        return Ok(None);
    };
    let role = Role::from(account.role);
    Ok(Some(CurrentStaff {
        account,
        role,
        session_id,
    }))
}

/// What a change needs from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any specialist, supervisor or admin in scope (taking a case).
    Claim,
    /// The case's assignee, or a supervisor or admin.
    Owner,
    /// A supervisor or admin.
    Supervisor,
}

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum AccessError {
    #[error("当前账号角色无权进行此操作")]
    ForbiddenRole { role: Role },
    #[error("该申请由其他专员负责，请先认领或联系主管转派")]
    NotAssignee,
}

impl AreaError for AccessError {
    fn kind(&self) -> Kind {
        Kind::Forbidden
    }

    fn code(&self) -> &'static str {
        self.into()
    }

    fn details(&self) -> Value {
        match self {
            Self::ForbiddenRole { role } => json!({ "role": role.as_str() }),
            Self::NotAssignee => json!({}),
        }
    }

    fn codes() -> Vec<&'static str> {
        variant_codes(<Self as strum::VariantNames>::VARIANTS, &[])
    }
}

/// Whether the account may make a change that needs `need` to a case held by `assignee`.
pub fn may_change(
    staff: &CurrentStaff,
    assignee: Option<i64>,
    need: Need,
) -> Result<(), AccessError> {
    match (staff.role, need) {
        (Role::InsurerViewer, _) => Err(AccessError::ForbiddenRole { role: staff.role }),
        (Role::Admin | Role::Supervisor, _) => Ok(()),
        (Role::Specialist, Need::Supervisor) => {
            Err(AccessError::ForbiddenRole { role: staff.role })
        }
        (Role::Specialist, Need::Claim) => Ok(()),
        (Role::Specialist, Need::Owner) if assignee == Some(staff.id()) => Ok(()),
        (Role::Specialist, Need::Owner) => Err(AccessError::NotAssignee),
    }
}

/// Medical records (photos) are for those who arrange the care: insurer viewers see statuses
/// and dates only.
pub fn may_read_records(staff: &CurrentStaff) -> Result<(), AccessError> {
    match staff.role {
        Role::InsurerViewer => Err(AccessError::ForbiddenRole { role: staff.role }),
        _ => Ok(()),
    }
}

/// 403 for a role that may not do this.
pub fn forbidden(role: Role) -> AccessError {
    AccessError::ForbiddenRole { role }
}
