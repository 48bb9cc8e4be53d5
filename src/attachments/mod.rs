//! What is attached to a case, as rows: the insured's medical-record documents and the
//! specialists' written reports, and whether a case's materials are complete under its plan.
//! The cases read it (submission needs complete materials, completion a report where the
//! service ends with one); `crate::documents` and `crate::reports`, above the cases, upload,
//! check, read and review the files.

pub mod materials;
pub mod store;
