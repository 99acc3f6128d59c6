//! Attachment metadata as sent to clients.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::models::attachment::{AttachmentMeta, OwnerKind};

/// An uploaded file's metadata.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 12, "file_name": "阳城镇2014年党风廉政建设自查报告.pdf", "content_type": "application/pdf",
    "size_bytes": 183204, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "uploader_sub": "yangcheng-01", "attached_to": "self_inspection", "created_at": "2014-09-18T03:20:00Z",
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
