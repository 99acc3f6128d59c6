//! `/api/v1/attachments`: files attached to self-inspections and accountability reports.
//! An attachment is readable by exactly the people who can read what it is attached to; until
//! it is attached, only by its uploader and the office.

mod delete;
mod download;
pub mod json;
mod upload;

use utoipa_actix_web::service_config::ServiceConfig;

pub use crate::ops::attachments::{UploadLimit, find_readable};

/// Registers the attachment routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(upload::upload_attachment)
        .service(download::download_attachment)
        .service(delete::delete_attachment);
}
