//! Attachments: the upload limit, storing and removing uploads, the purge of uploads never
//! attached, who may read one, and attaching uploads to a submitted document.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::{AuthUser, Role, scope};
use crate::domain::submitted::refuse_edit;
use crate::error::ApiError;
use crate::models::attachment::{AttachmentMeta, NewAttachment, OwnerKind};
use crate::models::self_inspection::{DocumentVersion, document_place, lock_document_status};
use crate::models::{AttachmentId, DocumentId};

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
            let change = Change::new(
                "purge_unattached",
                "attachment",
                removed.len(),
                json!({"ids": removed}),
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
    id: AttachmentId,
) -> Result<AttachmentMeta, ApiError> {
    let missing = || ApiError::not_found(format!("attachment {id} does not exist"));
    let meta = AttachmentMeta::find(conn, id).map_err(|e| match e {
        diesel::result::Error::NotFound => missing(),
        other => other.into(),
    })?;
    let readable = match (meta.owner_kind, meta.owner_id) {
        // A cycle's decision records are the office's.
        (Some(OwnerKind::CycleDecision), Some(_)) => user.role == Role::Office,
        (Some(kind), Some(owner)) => {
            let (cycle, unit) = document_place(conn, kind, owner)?;
            scope::can_read_unit_in_cycle(conn, user, cycle, unit)?
        }
        _ => user.role == Role::Office || user.sub == meta.uploader_sub,
    };
    if readable { Ok(meta) } else { Err(missing()) }
}

/// Stores an upload. Returns its metadata and the audit record.
pub fn store(
    conn: &mut PgConnection,
    new: &NewAttachment,
) -> Result<(AttachmentMeta, Change), ApiError> {
    let meta = new.insert(conn)?;
    let change = Change::created(
        "attachment",
        meta.id,
        &json!({
            "file_name": meta.file_name,
            "content_type": meta.content_type,
            "size_bytes": meta.size_bytes,
            "sha256": meta.sha256
        }),
    );
    Ok((meta, change))
}

/// Removes an attachment the caller may read: only its uploader (403), and only while the
/// document it is attached to can still change (409 `document_submitted`) and no submitted
/// version lists it (409 `attachment_in_submitted_version`), and never once its cycle is
/// published (409 `cycle_published`; a rectification's only while it is published); a
/// decision's, while its cycle is in review (409 `cycle_not_in_review` otherwise). Returns the
/// audit record.
pub fn remove(
    conn: &mut PgConnection,
    user: &AuthUser,
    id: AttachmentId,
) -> Result<Change, ApiError> {
    let meta = find_readable(conn, user, id)?;
    if meta.uploader_sub != user.sub {
        return Err(ApiError::Forbidden(
            "only the uploader removes an attachment".to_owned(),
        ));
    }
    if let (Some(OwnerKind::CycleDecision), Some(owner)) = (meta.owner_kind, meta.owner_id) {
        crate::ops::decisions::ensure_attachment_removable(conn, owner)?;
    } else if let (Some(kind), Some(owner)) = (meta.owner_kind, meta.owner_id) {
        let (cycle_id, _) = document_place(conn, kind, owner)?;
        if kind == OwnerKind::Rectification {
            // A rectification is written while the cycle is published, and only then.
            crate::ops::rectifications::ensure_unit_may_write(conn, cycle_id)?;
        } else {
            crate::ops::cycles::ensure_not_published(conn, cycle_id)?;
        }
        if let Some(reason) = refuse_edit(lock_document_status(conn, kind, owner)?) {
            return Err(ApiError::Conflict {
                code: "document_submitted",
                detail: format!("its document cannot change: {reason}"),
            });
        }
        if DocumentVersion::lists_attachment(conn, (kind, owner), id)? {
            return Err(ApiError::Conflict {
                code: "attachment_in_submitted_version",
                detail: "a submitted version lists this attachment; it stays on record".to_owned(),
            });
        }
    }
    AttachmentMeta::delete(conn, id)?;
    Ok(Change::deleted(
        "attachment",
        id,
        &json!({
            "file_name": meta.file_name,
            "sha256": meta.sha256,
            "owner_kind": meta.owner_kind,
            "owner_id": meta.owner_id
        }),
    ))
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
    pub id: AttachmentId,
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
    id: DocumentId,
) -> Result<Vec<AttachmentResponse>, ApiError> {
    let rows = AttachmentMeta::of_document(conn, kind, id)?;
    Ok(rows.into_iter().map(AttachmentResponse::from).collect())
}

/// Attaches uploads to a document: each must exist, be the caller's own upload, and not be
/// attached to anything else (422 naming the id otherwise).
pub fn attach(
    conn: &mut PgConnection,
    user: &AuthUser,
    ids: &[AttachmentId],
    kind: OwnerKind,
    owner: DocumentId,
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
