//! What a staff account may do, by role. Stored as its snake_case name (`staff.role`, an
//! enum column: the store maps one to the other).

use serde::Serialize;
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    /// 医疗服务专员: reviews and arranges the cases they claim.
    Specialist,
    /// Also reassigns and acts on any case in scope.
    Supervisor,
    /// Reads its own insurer's case statuses; changes nothing.
    InsurerViewer,
    /// Everything, every insurer.
    Admin,
}

impl Role {
    /// The role a stored or typed text names; None for anything else (never a default).
    pub fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
