//! HTTP plumbing shared by every resource: JSON bodies, conditional requests, pagination,
//! request ids, the input guard, `Cache-Control` and the language of problems.

pub mod conditional;
pub mod guards;
pub mod idempotency;
pub mod json;
pub mod language;
pub mod pagination;
pub mod params;
pub mod problem;
pub mod request_id;
pub(crate) mod signed_handlers;
pub(crate) mod submitted_handlers;

pub use conditional::{ETag, IfMatch};
pub use json::{Empty, ValidJson, Validate, double_option};
pub use pagination::{Page, PageQuery, Paging};
