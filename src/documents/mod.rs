//! Medical records (photos, PDF reports and DICOM imaging files): uploaded by the insured as `wx.uploadFile` sends them, checked and
//! cleaned by one pipeline, stored privately under generated keys, read only by their owner
//! and the specialists in scope (every staff read audited), reviewed one by one.

pub mod audit;
pub mod budget;
pub mod error;
pub mod image;
pub mod intake;
mod jpeg;
mod kept;
pub mod pipeline;
mod pixels;
pub mod read;
pub mod record_upload;
pub mod records;
pub mod review;
pub mod routes;
pub mod signed;
mod turn;
pub mod upload;
pub mod view;
