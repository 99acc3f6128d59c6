//! Attachments: the upload limit, the purge of uploads never attached, who may read one, and
//! attaching uploads to a submitted document.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{AuthUser, Role, scope};
use crate::error::ApiError;
use crate::models::attachment::{AttachmentMeta, OwnerKind};
use crate::models::self_inspection::{AccountabilityReport, SelfInspection};
use crate::schema::{accountability_reports, attachments, self_inspections};

/// The largest upload, registered as app data (`UPLOAD_LIMIT`).
#[derive(Debug, Clone, Copy)]
pub struct UploadLimit(pub usize);

/// Removes uploads never attached and older than a day, recording the removal in the audit
/// trail as the `system` actor; returns how many were removed.
pub fn purge_unattached(
    conn: &mut PgConnection,
    signer: &crate::audit::SigningKey,
) -> Result<usize, ApiError> {
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

/// An uploaded file's metadata.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 12, "file_name": "阳城镇2014年党风廉政建设自查报告.pdf", "content_type": "application/pdf",
    "size_bytes": 183204,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "uploader_sub": "yangcheng-01", "attached_to": "self_inspection",
    "created_at": "2014-09-18T03:20:00Z",
    "download_url": "/api/v1/attachments/12"
}))]
pub struct AttachmentResponse {
    /// Attachment id; list it in a document's `attachment_ids` to attach it.
    pub id: i64,
    /// The original file name.
    pub file_name: String,
    /// The media type, detected from the content.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, in hex (also the download's `ETag`).
    pub sha256: String,
    /// Who uploaded it.
    pub uploader_sub: String,
    /// What it is attached to, if anything yet.
    pub attached_to: Option<OwnerKind>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// Where to download it.
    pub download_url: String,
}

impl From<AttachmentMeta> for AttachmentResponse {
    fn from(m: AttachmentMeta) -> Self {
        Self {
            download_url: format!("/api/v1/attachments/{}", m.id),
            id: m.id,
            file_name: m.file_name,
            content_type: m.content_type,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            uploader_sub: m.uploader_sub,
            attached_to: m.owner_kind,
            created_at: m.created_at,
        }
    }
}

/// The attachments of a document.
pub fn attachments_of(
    conn: &mut PgConnection,
    kind: OwnerKind,
    id: i64,
) -> Result<Vec<AttachmentResponse>, ApiError> {
    let rows: Vec<AttachmentMeta> = attachments::table
        .filter(attachments::owner_kind.eq(kind))
        .filter(attachments::owner_id.eq(id))
        .order(attachments::id.asc())
        .select(AttachmentMeta::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(AttachmentResponse::from).collect())
}

/// Attaches uploads to a document: each must exist, be the caller's own upload, and not be
/// attached to anything else (422 naming the id otherwise).
pub fn attach(
    conn: &mut PgConnection,
    user: &AuthUser,
    ids: &[i64],
    kind: OwnerKind,
    owner: i64,
) -> Result<(), ApiError> {
    let found = AttachmentMeta::find_many(conn, ids)?;
    for (i, id) in ids.iter().enumerate() {
        let field = format!("attachment_ids[{i}]");
        match found.iter().find(|m| m.id == *id) {
            None => {
                return Err(ApiError::field(
                    &field,
                    "not_found",
                    format!("attachment {id} does not exist"),
                ));
            }
            Some(m) if m.uploader_sub != user.sub => {
                return Err(ApiError::field(
                    &field,
                    "not_yours",
                    format!("attachment {id} was uploaded by someone else"),
                ));
            }
            Some(m)
                if m.owner_kind.is_some()
                    && (m.owner_kind != Some(kind) || m.owner_id != Some(owner)) =>
            {
                return Err(ApiError::field(
                    &field,
                    "attached_elsewhere",
                    format!("attachment {id} belongs to another document"),
                ));
            }
            Some(_) => {}
        }
    }
    AttachmentMeta::attach(conn, ids, kind, owner)?;
    Ok(())
}
