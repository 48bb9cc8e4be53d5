//! What every staff action body does: states its text fields' limits, says what is missing
//! where its fields depend on one another, and becomes a domain [`Command`].

use serde::de::DeserializeOwned;

use crate::cases::actions::Command;
use crate::platform::error::ApiError;

/// A timeline note at most (the schemas say the same).
pub(super) const NOTE: usize = 1000;

/// A body that, with the action its path names, makes a command.
pub(super) trait IntoCommand: DeserializeOwned {
    /// Its text fields and their maximum lengths (as the schema states them).
    fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)>;

    /// A body whose fields depend on one another says what is missing here.
    fn complete(&self) -> Result<(), ApiError> {
        Ok(())
    }

    fn into_command(self) -> Command;
}
