//! The `rectifications` table (plan §5): the written explanation and rectification plan a unit
//! at or below the cycle's line owes after publication, one per unit per cycle. A member of the
//! submitted family: its versions are `document_versions`, its files `attachments`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::{CycleId, DocumentId, RectificationId, UnitId};
use crate::domain::submitted::Stage;
use crate::schema::rectifications;

crate::text_enum! {
    /// Where a unit's rectification is in its life.
    pub enum RectificationStatus {
        /// 待整改 (owed: nothing written yet)
        Owed => "owed",
        /// 草稿 (being written by the unit)
        Draft => "draft",
        /// 已提交 (submitted to the office)
        Submitted => "submitted",
        /// 已退回 (returned by the office for revision, with a reason)
        Returned => "returned",
        /// 已验收 (accepted by the office)
        Accepted => "accepted",
        /// 已撤销 (no longer owed after a republication)
        Withdrawn => "withdrawn",
    }
}

impl From<RectificationStatus> for Stage {
    fn from(status: RectificationStatus) -> Self {
        match status {
            RectificationStatus::Owed => Stage::Owed,
            RectificationStatus::Draft => Stage::Draft,
            RectificationStatus::Submitted => Stage::Submitted,
            RectificationStatus::Returned => Stage::Returned,
            RectificationStatus::Accepted => Stage::Accepted,
            RectificationStatus::Withdrawn => Stage::Withdrawn,
        }
    }
}

impl From<RectificationId> for DocumentId {
    fn from(id: RectificationId) -> Self {
        DocumentId(id.0)
    }
}

/// A row of `rectifications`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = rectifications, check_for_backend(Pg))]
pub struct Rectification {
    pub id: RectificationId,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub status: RectificationStatus,
    pub explanation: Option<String>,
    pub plan: Option<String>,
    pub due_on: NaiveDate,
    pub owed_since: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub submission_count: i32,
    pub return_reason: Option<String>,
    pub accepted_by: Option<String>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The text of a rectification draft.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = rectifications, treat_none_as_null = true)]
pub struct RectificationDraft {
    /// 书面说明 (the written explanation).
    pub explanation: Option<String>,
    /// 整改方案 (the rectification plan).
    pub plan: Option<String>,
}

/// Updates row `id` with `changes`, bumping its version and `updated_at`; returns the row.
macro_rules! bumping {
    ($conn:expr, $id:expr, $changes:expr) => {
        diesel::update(rectifications::table.find($id))
            .set((
                $changes,
                rectifications::version.eq(rectifications::version + 1),
                rectifications::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Rectification::as_returning())
            .get_result($conn)
    };
}

impl Rectification {
    /// The unit's rectification in the cycle, if it ever owed one; locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        lock: bool,
    ) -> QueryResult<Option<Rectification>> {
        let query = rectifications::table
            .filter(rectifications::cycle_id.eq(cycle_id))
            .filter(rectifications::unit_id.eq(unit_id))
            .select(Rectification::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// Replaces the draft's text; an owed one becomes a draft.
    pub fn update_draft(
        conn: &mut PgConnection,
        id: RectificationId,
        status: RectificationStatus,
        draft: &RectificationDraft,
    ) -> QueryResult<Rectification> {
        let status = match status {
            RectificationStatus::Owed => RectificationStatus::Draft,
            other => other,
        };
        bumping!(conn, id, (draft, rectifications::status.eq(status)))
    }

    /// Marks it submitted `at`, late or not, as submission `number`; clears the return reason.
    pub fn mark_submitted(
        conn: &mut PgConnection,
        id: RectificationId,
        (at, late, number): (DateTime<Utc>, bool, i32),
    ) -> QueryResult<Rectification> {
        let submitted = (
            rectifications::status.eq(RectificationStatus::Submitted),
            rectifications::submitted_at.eq(at),
            rectifications::late.eq(late),
            rectifications::submission_count.eq(number),
            rectifications::return_reason.eq(None::<String>),
        );
        bumping!(conn, id, submitted)
    }

    /// Marks it returned with `reason`.
    pub fn mark_returned(
        conn: &mut PgConnection,
        id: RectificationId,
        reason: &str,
    ) -> QueryResult<Rectification> {
        let returned = (
            rectifications::status.eq(RectificationStatus::Returned),
            rectifications::return_reason.eq(reason),
        );
        bumping!(conn, id, returned)
    }

    /// Marks it accepted by `by` (the office user's `sub`) at `at`.
    pub fn mark_accepted(
        conn: &mut PgConnection,
        id: RectificationId,
        by: &str,
        at: DateTime<Utc>,
    ) -> QueryResult<Rectification> {
        let accepted = (
            rectifications::status.eq(RectificationStatus::Accepted),
            rectifications::accepted_by.eq(by),
            rectifications::accepted_at.eq(at),
        );
        bumping!(conn, id, accepted)
    }
}
