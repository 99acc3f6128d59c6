//! `/api/v1/attachments`: files attached to self-inspections and accountability reports.
//! An attachment is readable by exactly the people who can read what it is attached to; until
//! it is attached, only by its uploader and the office.

mod delete;
mod download;
pub mod json;
mod upload;

use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AuthUser, Role, scope};
use crate::error::ApiError;
use crate::models::attachment::{AttachmentMeta, OwnerKind};
use crate::models::self_inspection::{AccountabilityReport, SelfInspection};
use crate::schema::{accountability_reports, self_inspections};

/// Registers the attachment routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(upload::upload_attachment)
        .service(download::download_attachment)
        .service(delete::delete_attachment);
}

/// The largest upload, registered as app data (`UPLOAD_LIMIT`).
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit(pub usize);

/// Removes uploads never attached and older than a day, recording the removal in the audit
/// trail as the `system` actor; returns how many were removed.
pub fn purge_unattached(
    conn: &mut PgConnection,
    signer: &crate::audit::SigningKey,
) -> Result<usize, ApiError> {
    use diesel::Connection;
    conn.transaction(|conn| {
        let removed = AttachmentMeta::purge_unattached(conn)?;
        if !removed.is_empty() {
            let change = crate::audit::Change::new(
                "purge_unattached",
                "attachment",
                removed.len(),
                serde_json::json!({"ids": removed}),
                serde_json::Value::Null,
            );
            crate::audit::append(conn, signer, &crate::audit::Actor::system(), change)?;
        }
        Ok(removed.len())
    })
}

/// Loads an attachment the caller may read (404 otherwise, as if it did not exist): an
/// attached one follows its document, readable by whoever may read the document's unit in the
/// document's cycle; an unattached one only by its uploader and the office.
pub fn find_readable(
    conn: &mut PgConnection,
    user: &AuthUser,
    id: i64,
) -> Result<AttachmentMeta, ApiError> {
    use diesel::prelude::*;
    let missing = || ApiError::not_found(format!("attachment {id} does not exist"));
    let meta = AttachmentMeta::find(conn, id).map_err(|e| match e {
        diesel::result::Error::NotFound => missing(),
        other => other.into(),
    })?;
    let (cycle, unit) = match (meta.owner_kind, meta.owner_id) {
        (None, _) | (_, None) => {
            return if user.role == Role::Office || user.sub == meta.uploader_sub {
                Ok(meta)
            } else {
                Err(missing())
            };
        }
        (Some(OwnerKind::SelfInspection), Some(owner)) => {
            let doc = self_inspections::table
                .find(owner)
                .select(SelfInspection::as_select())
                .first(conn)?;
            (doc.cycle_id, doc.unit_id)
        }
        (Some(OwnerKind::AccountabilityReport), Some(owner)) => {
            let doc = accountability_reports::table
                .find(owner)
                .select(AccountabilityReport::as_select())
                .first(conn)?;
            (doc.cycle_id, doc.unit_id)
        }
    };
    if scope::can_read_unit_in_cycle(conn, user, cycle, unit)? {
        Ok(meta)
    } else {
        Err(missing())
    }
}
