//! What a notification is about: one kind per change the insured should hear of. The outbox
//! stores the snake_case name; the message centre and (later) the WeChat templates read it back.

use serde::Serialize;
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum NotificationKind {
    CaseSubmitted,
    CaseNeedsMaterials,
    CaseApproved,
    CaseRejected,
    CaseScheduled,
    CaseStarted,
    CaseCompleted,
    CaseNoShow,
    CaseTerminated,
    CaseCancelled,
    CaseExpired,
    DocumentRejected,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
