//! The rows of the notifications area besides the outbox: the one-shot subscribe grants
//! (`grants`) and the keys of WeChat's message pushes already handled (`push`).

pub mod grants;
pub mod push;
