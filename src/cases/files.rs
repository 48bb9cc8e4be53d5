//! The private files attached to a case (the insured's medical-record photos, the specialist's
//! written reports): who reads them and how a read is checked. The owner reads their own case's
//! files; a staff member reads a case in their insurer scope when the file's area lets their
//! role, and every staff read is written to the audit log before the bytes leave.

use uuid::Uuid;

use super::service::owns;
use super::store::Case;
use crate::attachments::store::documents::audit_read;
use crate::platform::db::DbErr;
use crate::staff::access::CurrentStaff;
use crate::state::AppState;

/// Who reads: the insured (by user id) or a staff member, and from where (for the audit).
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    User(i64),
    Staff {
        staff: &'a CurrentStaff,
        ip: Option<std::net::IpAddr>,
    },
}

/// What a read is written to the audit log as: the action and its subject (kind, id).
pub type Audited<'a> = (&'a str, (&'a str, Uuid));

/// The case `reader` may see the files of: its owner's, or one in a staff member's scope that
/// `staff_may` lets them read (a staff read is audited as `audited`). Missing, another user's
/// or out of scope: `not_found`.
pub async fn readable_case<E: From<DbErr>>(
    state: &AppState,
    reader: Reader<'_>,
    case: Option<Case>,
    (action, subject): Audited<'_>,
    not_found: fn() -> E,
    staff_may: impl FnOnce(&CurrentStaff, &Case) -> Result<(), E>,
) -> Result<Case, E> {
    match reader {
        Reader::User(user_id) => case.filter(|c| owns(user_id, c)).ok_or_else(not_found),
        Reader::Staff { staff, ip } => {
            let case = case
                .filter(|c| staff.sees(c.insurer_id))
                .ok_or_else(not_found)?;
            staff_may(staff, &case)?;
            audit_read(&state.db, staff, ip, action, subject, Some(case.id)).await?;
            Ok(case)
        }
    }
}
