//! What the provider side does to a case: the actions, and the one entry point every caller uses
//! (the JSON staff API, the console's forms, and later the dispatcher's and reports' jobs).
//! [`perform`] checks the scope and the role, refuses a decision made on an
//! older version, asks the lifecycle whether the action is allowed in this status, and has the
//! store write the case, its event, the quota effect and the outbox row in one transaction;
//! [`available`] says beforehand which actions a staff member may take on a case now.

mod abroad;
mod answer;
mod available;
mod checked;
mod command;
mod courier;
mod name;
mod objections;
mod own;
mod perform;
mod requests;
mod steps;

pub use answer::{answer, lapse_offers};
pub use available::available;
pub use command::{
    AbroadStep, Action, Appointment, ChangeKind, Command, Escort, ExplanationStep, Milestone,
    Refusal, SlipIssuer,
};
pub use courier::{CourierRequest, request_courier};
pub use name::ActionName;
pub use objections::raise_objection;
pub use perform::perform;
pub use requests::{ChangeRequest, notify_late, request_change};
