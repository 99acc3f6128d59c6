//! The `attachments` table: uploaded files, stored in PostgreSQL with their SHA-256.

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::{AttachmentId, DocumentId};
use crate::schema::attachments;

crate::text_enum! {
    /// What an attachment can belong to.
    pub enum OwnerKind {
        /// 自查报告 (a unit's self-inspection)
        SelfInspection => "self_inspection",
        /// 第一责任人述责报告 (a first responsible person's accountability report)
        AccountabilityReport => "accountability_report",
        /// 考核决定记录 (a decision record of a cycle: review, decision, approval)
        CycleDecision => "cycle_decision",
        /// 整改说明及整改方案 (a unit's rectification: explanation and plan)
        Rectification => "rectification",
    }
}

/// An attachment without its content.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = attachments, check_for_backend(Pg))]
pub struct AttachmentMeta {
    pub id: AttachmentId,
    pub uploader_sub: String,
    pub uploader_role: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub owner_kind: Option<OwnerKind>,
    pub owner_id: Option<DocumentId>,
    pub attached_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A new upload.
#[derive(Debug, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment {
    pub uploader_sub: String,
    pub uploader_role: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content: Vec<u8>,
}

impl NewAttachment {
    /// Stores the upload.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<AttachmentMeta> {
        diesel::insert_into(attachments::table)
            .values(self)
            .returning(AttachmentMeta::as_returning())
            .get_result(conn)
    }
}

impl AttachmentMeta {
    /// The attachment's metadata.
    pub fn find(conn: &mut PgConnection, id: AttachmentId) -> QueryResult<AttachmentMeta> {
        attachments::table
            .find(id)
            .select(AttachmentMeta::as_select())
            .first(conn)
    }

    /// Several attachments' metadata, in id order.
    pub fn find_many(
        conn: &mut PgConnection,
        ids: &[AttachmentId],
    ) -> QueryResult<Vec<AttachmentMeta>> {
        attachments::table
            .filter(attachments::id.eq_any(ids))
            .order(attachments::id.asc())
            .select(AttachmentMeta::as_select())
            .load(conn)
    }

    /// The stored bytes.
    pub fn content(conn: &mut PgConnection, id: AttachmentId) -> QueryResult<Vec<u8>> {
        attachments::table
            .find(id)
            .select(attachments::content)
            .first(conn)
    }

    /// Attaches the given uploads to a document.
    pub fn attach(
        conn: &mut PgConnection,
        ids: &[AttachmentId],
        kind: OwnerKind,
        owner: DocumentId,
    ) -> QueryResult<usize> {
        diesel::update(
            attachments::table
                .filter(attachments::id.eq_any(ids))
                .filter(attachments::owner_kind.is_null()),
        )
        .set((
            attachments::owner_kind.eq(kind),
            attachments::owner_id.eq(owner),
            attachments::attached_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
    }

    /// The attachments of a document, in id order.
    pub fn of_document(
        conn: &mut PgConnection,
        kind: OwnerKind,
        owner: DocumentId,
    ) -> QueryResult<Vec<AttachmentMeta>> {
        attachments::table
            .filter(attachments::owner_kind.eq(kind))
            .filter(attachments::owner_id.eq(owner))
            .order(attachments::id.asc())
            .select(AttachmentMeta::as_select())
            .load(conn)
    }

    /// Removes the attachment.
    pub fn delete(conn: &mut PgConnection, id: AttachmentId) -> QueryResult<usize> {
        diesel::delete(attachments::table.find(id)).execute(conn)
    }

    /// Removes uploads never attached to anything and older than a day; returns their ids.
    pub fn purge_unattached(conn: &mut PgConnection) -> QueryResult<Vec<AttachmentId>> {
        let cutoff = Utc::now() - chrono::Duration::days(1);
        diesel::delete(
            attachments::table
                .filter(attachments::owner_kind.is_null())
                .filter(attachments::created_at.lt(cutoff)),
        )
        .returning(attachments::id)
        .get_results(conn)
    }
}
