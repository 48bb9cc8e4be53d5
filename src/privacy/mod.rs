//! What the insured gave, kept no longer than needed and given up on request (PIPL Art. 19,
//! 47): the worker's retention round ([`retention`]) and the deletion of an account by its
//! owner ([`erasure`]).

pub mod erasure;
pub mod retention;
pub mod routes;
pub mod store;
