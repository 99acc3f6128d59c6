//! The `self_inspections`, `self_scores`, `accountability_reports` and `document_versions`
//! tables: what units submit, and every version they submitted.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::attachment::OwnerKind;
use super::{CycleId, LeaderId, UnitId};
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

/// A row of `self_inspections`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = self_inspections, check_for_backend(Pg))]
pub struct SelfInspection {
    pub id: i64,
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
    pub self_inspection_id: i64,
    pub item_code: String,
    pub points: BigDecimal,
    pub note: Option<String>,
}

impl SelfInspection {
    /// The unit's self-inspection in the cycle, if it has one.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        lock: bool,
    ) -> QueryResult<Option<SelfInspection>> {
        let query = self_inspections::table
            .filter(self_inspections::cycle_id.eq(cycle_id))
            .filter(self_inspections::unit_id.eq(unit_id))
            .select(SelfInspection::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// Its self-scores, by item code.
    pub fn scores(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<SelfScore>> {
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

    /// Replaces the draft's text, bumping the version.
    pub fn update_draft(
        conn: &mut PgConnection,
        id: i64,
        draft: &SelfInspectionDraft,
    ) -> QueryResult<SelfInspection> {
        diesel::update(self_inspections::table.find(id))
            .set((
                draft,
                self_inspections::version.eq(self_inspections::version + 1),
                self_inspections::updated_at.eq(diesel::dsl::now),
            ))
            .returning(SelfInspection::as_returning())
            .get_result(conn)
    }

    /// Marks it submitted with its total: `at`, late or not, as submission `number`; clears
    /// the return reason and bumps the version.
    pub fn mark_submitted(
        conn: &mut PgConnection,
        id: i64,
        total: &BigDecimal,
        (at, late, number): (DateTime<Utc>, bool, i32),
    ) -> QueryResult<SelfInspection> {
        diesel::update(self_inspections::table.find(id))
            .set((
                self_inspections::status.eq(DocumentStatus::Submitted),
                self_inspections::total.eq(total),
                self_inspections::submitted_at.eq(at),
                self_inspections::late.eq(late),
                self_inspections::submission_count.eq(number),
                self_inspections::return_reason.eq(None::<String>),
                self_inspections::version.eq(self_inspections::version + 1),
                self_inspections::updated_at.eq(diesel::dsl::now),
            ))
            .returning(SelfInspection::as_returning())
            .get_result(conn)
    }

    /// Marks it returned with `reason`, bumping the version.
    pub fn mark_returned(
        conn: &mut PgConnection,
        id: i64,
        reason: &str,
    ) -> QueryResult<SelfInspection> {
        diesel::update(self_inspections::table.find(id))
            .set((
                self_inspections::status.eq(DocumentStatus::Returned),
                self_inspections::return_reason.eq(reason),
                self_inspections::version.eq(self_inspections::version + 1),
                self_inspections::updated_at.eq(diesel::dsl::now),
            ))
            .returning(SelfInspection::as_returning())
            .get_result(conn)
    }

    /// Records the paper copy's arrival, bumping the version.
    pub fn mark_paper_received(
        conn: &mut PgConnection,
        id: i64,
        at: DateTime<Utc>,
    ) -> QueryResult<SelfInspection> {
        diesel::update(self_inspections::table.find(id))
            .set((
                self_inspections::paper_received_at.eq(at),
                self_inspections::version.eq(self_inspections::version + 1),
                self_inspections::updated_at.eq(diesel::dsl::now),
            ))
            .returning(SelfInspection::as_returning())
            .get_result(conn)
    }

    /// Replaces its self-scores.
    pub fn replace_scores(
        conn: &mut PgConnection,
        id: i64,
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
    pub id: i64,
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

impl AccountabilityReport {
    /// Starts a leader's draft.
    pub fn insert_draft(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        leader_id: LeaderId,
        body: Option<&str>,
    ) -> QueryResult<AccountabilityReport> {
        diesel::insert_into(accountability_reports::table)
            .values((
                accountability_reports::cycle_id.eq(cycle_id),
                accountability_reports::unit_id.eq(unit_id),
                accountability_reports::leader_id.eq(leader_id),
                accountability_reports::body.eq(body),
            ))
            .returning(AccountabilityReport::as_returning())
            .get_result(conn)
    }

    /// Replaces the draft's text, bumping the version.
    pub fn update_draft(
        conn: &mut PgConnection,
        id: i64,
        body: Option<&str>,
    ) -> QueryResult<AccountabilityReport> {
        diesel::update(accountability_reports::table.find(id))
            .set((
                accountability_reports::body.eq(body),
                accountability_reports::version.eq(accountability_reports::version + 1),
                accountability_reports::updated_at.eq(diesel::dsl::now),
            ))
            .returning(AccountabilityReport::as_returning())
            .get_result(conn)
    }

    /// Marks it submitted `at`, late or not, as submission `number`; clears the return reason
    /// and bumps the version.
    pub fn mark_submitted(
        conn: &mut PgConnection,
        id: i64,
        (at, late, number): (DateTime<Utc>, bool, i32),
    ) -> QueryResult<AccountabilityReport> {
        use accountability_reports as r;
        diesel::update(r::table.find(id))
            .set((
                r::status.eq(DocumentStatus::Submitted),
                r::submitted_at.eq(at),
                r::late.eq(late),
                r::submission_count.eq(number),
                r::return_reason.eq(None::<String>),
                r::version.eq(r::version + 1),
                r::updated_at.eq(diesel::dsl::now),
            ))
            .returning(AccountabilityReport::as_returning())
            .get_result(conn)
    }

    /// Marks it returned with `reason`, bumping the version.
    pub fn mark_returned(
        conn: &mut PgConnection,
        id: i64,
        reason: &str,
    ) -> QueryResult<AccountabilityReport> {
        use accountability_reports as r;
        diesel::update(r::table.find(id))
            .set((
                r::status.eq(DocumentStatus::Returned),
                r::return_reason.eq(reason),
                r::version.eq(r::version + 1),
                r::updated_at.eq(diesel::dsl::now),
            ))
            .returning(AccountabilityReport::as_returning())
            .get_result(conn)
    }

    /// The reports of a unit in a cycle.
    pub fn for_unit(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<Vec<AccountabilityReport>> {
        accountability_reports::table
            .filter(accountability_reports::cycle_id.eq(cycle_id))
            .filter(accountability_reports::unit_id.eq(unit_id))
            .order(accountability_reports::leader_id.asc())
            .select(AccountabilityReport::as_select())
            .load(conn)
    }

    /// The report of one leader in a cycle, locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        leader_id: LeaderId,
        lock: bool,
    ) -> QueryResult<Option<AccountabilityReport>> {
        let query = accountability_reports::table
            .filter(accountability_reports::cycle_id.eq(cycle_id))
            .filter(accountability_reports::leader_id.eq(leader_id))
            .select(AccountabilityReport::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }
}

/// A row of `document_versions`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = document_versions, check_for_backend(Pg))]
pub struct DocumentVersion {
    pub id: i64,
    pub document_kind: OwnerKind,
    pub document_id: i64,
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
pub struct NewDocumentVersion {
    pub document_kind: OwnerKind,
    pub document_id: i64,
    pub number: i32,
    pub content: serde_json::Value,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub late: bool,
}

impl NewDocumentVersion {
    /// Records the version.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<DocumentVersion> {
        diesel::insert_into(document_versions::table)
            .values(self)
            .returning(DocumentVersion::as_returning())
            .get_result(conn)
    }
}

impl DocumentVersion {
    /// Every version of a document, oldest first.
    pub fn for_document(
        conn: &mut PgConnection,
        kind: OwnerKind,
        id: i64,
    ) -> QueryResult<Vec<DocumentVersion>> {
        document_versions::table
            .filter(document_versions::document_kind.eq(kind))
            .filter(document_versions::document_id.eq(id))
            .order(document_versions::number.asc())
            .select(DocumentVersion::as_select())
            .load(conn)
    }

    /// Puts the return on record on the latest version.
    pub fn mark_returned(
        conn: &mut PgConnection,
        kind: OwnerKind,
        id: i64,
        number: i32,
        by: &str,
        reason: &str,
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
