//! The `self_inspections`, `self_scores`, `accountability_reports` and `document_versions`
//! tables: what units submit, and every version they submitted.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::attachment::OwnerKind;
use super::{
    AccountabilityReportId, AttachmentId, CycleId, DocumentId, DocumentVersionId, LeaderId,
    SelfInspectionId, UnitId,
};
use crate::domain::submitted::Stage;
use crate::schema::{accountability_reports, document_versions, self_inspections, self_scores};

crate::text_enum! {
    /// Where a submitted document is in its life.
    pub enum DocumentStatus {
        /// 草稿 (being written by the unit)
        Draft => "draft",
        /// 已提交 (submitted to the office)
        Submitted => "submitted",
        /// 已退回 (returned by the office for revision, with a reason)
        Returned => "returned",
    }
}

/// Updates row `id` of `table` with `changes`, bumping its version and `updated_at`, and
/// returns the row as updated.
macro_rules! update_bumping {
    ($table:ident, $row:ident, $conn:expr, $id:expr, $changes:expr) => {
        diesel::update($table::table.find($id))
            .set((
                $changes,
                $table::version.eq($table::version + 1),
                $table::updated_at.eq(diesel::dsl::now),
            ))
            .returning($row::as_returning())
            .get_result($conn)
    };
}

/// The queries every table of a submitted document has, written once for each table: its row
/// by the cycle and its key (`unit_id` for the self-inspection, `leader_id` for a report), and
/// the updates of its life, each bumping the version.
macro_rules! submitted_table {
    ($row:ident, $id:ty, $table:ident, $key:ident: $key_type:ty, $draft:ty) => {
        impl $row {
            /// The document of `key` in the cycle, if it has one; locked for update when
            /// `lock`.
            pub fn find(
                conn: &mut PgConnection,
                cycle_id: CycleId,
                $key: $key_type,
                lock: bool,
            ) -> QueryResult<Option<$row>> {
                let query = $table::table
                    .filter($table::cycle_id.eq(cycle_id))
                    .filter($table::$key.eq($key))
                    .select($row::as_select());
                if lock {
                    query.for_update().first(conn).optional()
                } else {
                    query.first(conn).optional()
                }
            }

            /// Replaces the draft's text.
            pub fn update_draft(
                conn: &mut PgConnection,
                id: $id,
                draft: &$draft,
            ) -> QueryResult<$row> {
                update_bumping!($table, $row, conn, id, draft)
            }

            /// Marks it submitted `at`, late or not, as submission `number`; clears the return
            /// reason.
            pub fn mark_submitted(
                conn: &mut PgConnection,
                id: $id,
                (at, late, number): (DateTime<Utc>, bool, i32),
            ) -> QueryResult<$row> {
                let submitted = (
                    $table::status.eq(DocumentStatus::Submitted),
                    $table::submitted_at.eq(at),
                    $table::late.eq(late),
                    $table::submission_count.eq(number),
                    $table::return_reason.eq(None::<String>),
                );
                update_bumping!($table, $row, conn, id, submitted)
            }

            /// Marks it returned with `reason`.
            pub fn mark_returned(
                conn: &mut PgConnection,
                id: $id,
                reason: &str,
            ) -> QueryResult<$row> {
                let returned = (
                    $table::status.eq(DocumentStatus::Returned),
                    $table::return_reason.eq(reason),
                );
                update_bumping!($table, $row, conn, id, returned)
            }
        }

        impl From<$id> for DocumentId {
            fn from(id: $id) -> Self {
                DocumentId(id.0)
            }
        }
    };
}

submitted_table!(
    SelfInspection,
    SelfInspectionId,
    self_inspections,
    unit_id: UnitId,
    SelfInspectionDraft
);
submitted_table!(
    AccountabilityReport,
    AccountabilityReportId,
    accountability_reports,
    leader_id: LeaderId,
    ReportDraft
);

/// A row of `self_inspections`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = self_inspections, check_for_backend(Pg))]
pub struct SelfInspection {
    pub id: SelfInspectionId,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub status: DocumentStatus,
    pub report: Option<String>,
    pub problems: serde_json::Value,
    pub total: Option<BigDecimal>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub submission_count: i32,
    pub paper_received_at: Option<DateTime<Utc>>,
    pub return_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The text of a self-inspection draft.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = self_inspections, treat_none_as_null = true)]
pub struct SelfInspectionDraft {
    /// The written report.
    pub report: Option<String>,
    /// The problems found, with their fixes.
    pub problems: serde_json::Value,
}

/// A row of `self_scores`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = self_scores, check_for_backend(Pg))]
pub struct SelfScore {
    pub self_inspection_id: SelfInspectionId,
    pub item_code: String,
    pub points: BigDecimal,
    pub note: Option<String>,
}

impl SelfInspection {
    /// Its self-scores, by item code.
    pub fn scores(conn: &mut PgConnection, id: SelfInspectionId) -> QueryResult<Vec<SelfScore>> {
        self_scores::table
            .filter(self_scores::self_inspection_id.eq(id))
            .order(self_scores::item_code.asc())
            .select(SelfScore::as_select())
            .load(conn)
    }

    /// Starts the unit's draft.
    pub fn insert_draft(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        draft: &SelfInspectionDraft,
    ) -> QueryResult<SelfInspection> {
        diesel::insert_into(self_inspections::table)
            .values((
                self_inspections::cycle_id.eq(cycle_id),
                self_inspections::unit_id.eq(unit_id),
                draft,
            ))
            .returning(SelfInspection::as_returning())
            .get_result(conn)
    }

    /// Stores the total the service computed from the self-scores (when it is submitted).
    pub fn record_total(
        conn: &mut PgConnection,
        id: SelfInspectionId,
        total: &BigDecimal,
    ) -> QueryResult<usize> {
        diesel::update(self_inspections::table.find(id))
            .set(self_inspections::total.eq(total))
            .execute(conn)
    }

    /// Records the paper copy's arrival, bumping the version.
    pub fn mark_paper_received(
        conn: &mut PgConnection,
        id: SelfInspectionId,
        at: DateTime<Utc>,
    ) -> QueryResult<SelfInspection> {
        let received = self_inspections::paper_received_at.eq(at);
        update_bumping!(self_inspections, SelfInspection, conn, id, received)
    }

    /// Replaces its self-scores.
    pub fn replace_scores(
        conn: &mut PgConnection,
        id: SelfInspectionId,
        scores: &[SelfScore],
    ) -> QueryResult<()> {
        diesel::delete(self_scores::table.filter(self_scores::self_inspection_id.eq(id)))
            .execute(conn)?;
        diesel::insert_into(self_scores::table)
            .values(scores)
            .execute(conn)?;
        Ok(())
    }
}

/// A row of `accountability_reports`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = accountability_reports, check_for_backend(Pg))]
pub struct AccountabilityReport {
    pub id: AccountabilityReportId,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub leader_id: LeaderId,
    pub status: DocumentStatus,
    pub body: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub submission_count: i32,
    pub return_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The text of an accountability report draft.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = accountability_reports, treat_none_as_null = true)]
pub struct ReportDraft {
    /// The report's text.
    pub body: Option<String>,
}

impl AccountabilityReport {
    /// Starts a leader's draft.
    pub fn insert_draft(
        conn: &mut PgConnection,
        (cycle_id, unit_id, leader_id): (CycleId, UnitId, LeaderId),
        draft: &ReportDraft,
    ) -> QueryResult<AccountabilityReport> {
        use accountability_reports as r;
        let row = (
            r::cycle_id.eq(cycle_id),
            r::unit_id.eq(unit_id),
            r::leader_id.eq(leader_id),
            r::body.eq(draft.body.as_deref()),
        );
        diesel::insert_into(r::table)
            .values(row)
            .returning(AccountabilityReport::as_returning())
            .get_result(conn)
    }
}

/// The cycle and unit of a submitted document of `kind`: whose documents they are.
pub fn document_place(
    conn: &mut PgConnection,
    kind: OwnerKind,
    id: DocumentId,
) -> QueryResult<(CycleId, UnitId)> {
    match kind {
        OwnerKind::SelfInspection => self_inspections::table
            .find(SelfInspectionId(id.0))
            .select((self_inspections::cycle_id, self_inspections::unit_id))
            .first(conn),
        OwnerKind::AccountabilityReport => accountability_reports::table
            .find(AccountabilityReportId(id.0))
            .select((
                accountability_reports::cycle_id,
                accountability_reports::unit_id,
            ))
            .first(conn),
        OwnerKind::Rectification => crate::schema::rectifications::table
            .find(super::RectificationId(id.0))
            .select((
                crate::schema::rectifications::cycle_id,
                crate::schema::rectifications::unit_id,
            ))
            .first(conn),
        // A cycle's decision belongs to no unit: `ops::attachments` handles it apart.
        OwnerKind::CycleDecision => Err(diesel::result::Error::NotFound),
    }
}

/// The stage of a submitted document of `kind`, its row locked for update.
pub fn lock_document_status(
    conn: &mut PgConnection,
    kind: OwnerKind,
    id: DocumentId,
) -> QueryResult<Stage> {
    match kind {
        OwnerKind::SelfInspection => self_inspections::table
            .find(SelfInspectionId(id.0))
            .select(self_inspections::status)
            .for_update()
            .first::<DocumentStatus>(conn)
            .map(Stage::from),
        OwnerKind::AccountabilityReport => accountability_reports::table
            .find(AccountabilityReportId(id.0))
            .select(accountability_reports::status)
            .for_update()
            .first::<DocumentStatus>(conn)
            .map(Stage::from),
        OwnerKind::Rectification => crate::schema::rectifications::table
            .find(super::RectificationId(id.0))
            .select(crate::schema::rectifications::status)
            .for_update()
            .first::<super::rectification::RectificationStatus>(conn)
            .map(Stage::from),
        // A cycle's decision has no stage: `ops::attachments` handles it apart.
        OwnerKind::CycleDecision => Err(diesel::result::Error::NotFound),
    }
}

/// A row of `document_versions`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = document_versions, check_for_backend(Pg))]
pub struct DocumentVersion {
    pub id: DocumentVersionId,
    pub document_kind: OwnerKind,
    pub document_id: DocumentId,
    pub number: i32,
    pub content: serde_json::Value,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub late: bool,
    pub returned_by: Option<String>,
    pub returned_at: Option<DateTime<Utc>>,
    pub return_reason: Option<String>,
}

/// Values for a new version.
#[derive(Debug, Insertable)]
#[diesel(table_name = document_versions)]
pub struct NewDocumentVersion<'a> {
    pub document_kind: OwnerKind,
    pub document_id: DocumentId,
    pub number: i32,
    pub content: serde_json::Value,
    pub submitted_by: &'a str,
    pub submitted_at: DateTime<Utc>,
    pub late: bool,
}

impl NewDocumentVersion<'_> {
    /// Records the version.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<DocumentVersion> {
        diesel::insert_into(document_versions::table)
            .values(self)
            .returning(DocumentVersion::as_returning())
            .get_result(conn)
    }
}

impl DocumentVersion {
    /// Versions of a document, oldest first: all of them, or `limit` from `offset`.
    pub fn for_document(
        conn: &mut PgConnection,
        (kind, id): (OwnerKind, DocumentId),
        window: Option<(i64, i64)>,
    ) -> QueryResult<Vec<DocumentVersion>> {
        let mut query = document_versions::table
            .filter(document_versions::document_kind.eq(kind))
            .filter(document_versions::document_id.eq(id))
            .order(document_versions::number.asc())
            .select(DocumentVersion::as_select())
            .into_boxed();
        if let Some((offset, limit)) = window {
            query = query.offset(offset).limit(limit);
        }
        query.load(conn)
    }

    /// How many versions a document has.
    pub fn count(conn: &mut PgConnection, (kind, id): (OwnerKind, DocumentId)) -> QueryResult<i64> {
        document_versions::table
            .filter(document_versions::document_kind.eq(kind))
            .filter(document_versions::document_id.eq(id))
            .count()
            .get_result(conn)
    }

    /// Whether a submitted version of the document lists the attachment: what was submitted
    /// stays whole.
    pub fn lists_attachment(
        conn: &mut PgConnection,
        (kind, id): (OwnerKind, DocumentId),
        attachment: AttachmentId,
    ) -> QueryResult<bool> {
        let listed =
            diesel::dsl::sql::<diesel::sql_types::Bool>("content->'attachment_ids' @> to_jsonb(")
                .bind::<diesel::sql_types::BigInt, _>(attachment.0)
                .sql("::bigint)");
        diesel::select(diesel::dsl::exists(
            document_versions::table
                .filter(document_versions::document_kind.eq(kind))
                .filter(document_versions::document_id.eq(id))
                .filter(listed),
        ))
        .get_result(conn)
    }

    /// Puts the return on record on the version returned.
    pub fn mark_returned(
        conn: &mut PgConnection,
        (kind, id): (OwnerKind, DocumentId),
        number: i32,
        (by, reason): (&str, &str),
    ) -> QueryResult<usize> {
        diesel::update(
            document_versions::table
                .filter(document_versions::document_kind.eq(kind))
                .filter(document_versions::document_id.eq(id))
                .filter(document_versions::number.eq(number)),
        )
        .set((
            document_versions::returned_by.eq(by),
            document_versions::returned_at.eq(diesel::dsl::now),
            document_versions::return_reason.eq(reason),
        ))
        .execute(conn)
    }
}
