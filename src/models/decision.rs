//! The `cycle_decisions` table and its per-unit opinions: the office's review, the standing
//! committee's decision and the county committee's approval of a cycle (plan §4(一)3).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::{CycleDecisionId, CycleId, DocumentId, UnitId};
use crate::schema::{cycle_decision_unit_opinions, cycle_decisions, units};

crate::text_enum! {
    /// 决定记录类别 (which step of the review a decision record is; plan §4(一)3).
    pub enum DecisionKind {
        /// 县党廉办复核及初步意见 (the office's review, with its preliminary opinion)
        OfficeReview => "office_review",
        /// 县纪委常委会研究决定 (the discipline commission standing committee's decision)
        StandingCommitteeDecision => "standing_committee_decision",
        /// 县委常委会审定 (the county committee's approval)
        CountyCommitteeApproval => "county_committee_approval",
    }
}

/// A recorded decision of a cycle.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = cycle_decisions, check_for_backend(Pg))]
pub struct Decision {
    pub id: CycleDecisionId,
    pub cycle_id: CycleId,
    pub kind: DecisionKind,
    pub document_ref: String,
    pub decided_on: NaiveDate,
    pub opinion: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub recorded_by_name: String,
    pub updated_by: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a record or an amendment writes.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionText {
    pub document_ref: String,
    pub decided_on: NaiveDate,
    pub opinion: Option<String>,
    pub note: Option<String>,
}

/// The office review's opinion on one unit, with the unit's name.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct UnitOpinionRow {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub opinion: String,
}

impl From<CycleDecisionId> for DocumentId {
    fn from(id: CycleDecisionId) -> Self {
        DocumentId(id.0)
    }
}

impl Decision {
    /// Records a decision of `kind` for the cycle (the `UNIQUE (cycle_id, kind)` holds one).
    pub fn insert(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        kind: DecisionKind,
        text: &DecisionText,
        by: (&str, &str),
    ) -> QueryResult<Decision> {
        diesel::insert_into(cycle_decisions::table)
            .values((
                cycle_decisions::cycle_id.eq(cycle_id),
                cycle_decisions::kind.eq(kind),
                cycle_decisions::document_ref.eq(&text.document_ref),
                cycle_decisions::decided_on.eq(text.decided_on),
                cycle_decisions::opinion.eq(&text.opinion),
                cycle_decisions::note.eq(&text.note),
                cycle_decisions::recorded_by.eq(by.0),
                cycle_decisions::recorded_by_name.eq(by.1),
                cycle_decisions::updated_by.eq(by.0),
            ))
            .returning(Decision::as_returning())
            .get_result(conn)
    }

    /// The cycle's decision `id`, locked for a change when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        id: CycleDecisionId,
        lock: bool,
    ) -> QueryResult<Option<Decision>> {
        let query = cycle_decisions::table
            .filter(cycle_decisions::id.eq(id))
            .filter(cycle_decisions::cycle_id.eq(cycle_id))
            .select(Decision::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// The cycle's decisions, in the order of the review's steps' records (by id).
    pub fn for_cycle(conn: &mut PgConnection, cycle_id: CycleId) -> QueryResult<Vec<Decision>> {
        cycle_decisions::table
            .filter(cycle_decisions::cycle_id.eq(cycle_id))
            .order(cycle_decisions::id.asc())
            .select(Decision::as_select())
            .load(conn)
    }

    /// The kinds recorded for the cycle.
    pub fn kinds(conn: &mut PgConnection, cycle_id: CycleId) -> QueryResult<Vec<DecisionKind>> {
        cycle_decisions::table
            .filter(cycle_decisions::cycle_id.eq(cycle_id))
            .select(cycle_decisions::kind)
            .load(conn)
    }

    /// Amends the decision's text, bumping its version.
    pub fn amend(
        conn: &mut PgConnection,
        id: CycleDecisionId,
        text: &DecisionText,
        by: &str,
    ) -> QueryResult<Decision> {
        diesel::update(cycle_decisions::table.find(id))
            .set((
                cycle_decisions::document_ref.eq(&text.document_ref),
                cycle_decisions::decided_on.eq(text.decided_on),
                cycle_decisions::opinion.eq(&text.opinion),
                cycle_decisions::note.eq(&text.note),
                cycle_decisions::updated_by.eq(by),
                cycle_decisions::version.eq(cycle_decisions::version + 1),
                cycle_decisions::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Decision::as_returning())
            .get_result(conn)
    }

    /// Replaces the per-unit opinions of decision `id` with `opinions`.
    pub fn replace_opinions(
        conn: &mut PgConnection,
        (cycle_id, id): (CycleId, CycleDecisionId),
        opinions: &[(UnitId, String)],
    ) -> QueryResult<()> {
        diesel::delete(
            cycle_decision_unit_opinions::table
                .filter(cycle_decision_unit_opinions::decision_id.eq(id)),
        )
        .execute(conn)?;
        let rows: Vec<_> = opinions
            .iter()
            .map(|(unit, opinion)| {
                (
                    cycle_decision_unit_opinions::decision_id.eq(id),
                    cycle_decision_unit_opinions::cycle_id.eq(cycle_id),
                    cycle_decision_unit_opinions::unit_id.eq(*unit),
                    cycle_decision_unit_opinions::opinion.eq(opinion),
                )
            })
            .collect();
        if !rows.is_empty() {
            diesel::insert_into(cycle_decision_unit_opinions::table)
                .values(rows)
                .execute(conn)?;
        }
        Ok(())
    }

    /// The per-unit opinions of the given decisions, as (decision, opinion), by unit.
    pub fn opinions_of(
        conn: &mut PgConnection,
        ids: &[CycleDecisionId],
    ) -> QueryResult<Vec<(CycleDecisionId, UnitOpinionRow)>> {
        let rows: Vec<(CycleDecisionId, UnitId, String, String)> =
            cycle_decision_unit_opinions::table
                .inner_join(units::table.on(units::id.eq(cycle_decision_unit_opinions::unit_id)))
                .filter(cycle_decision_unit_opinions::decision_id.eq_any(ids))
                .order((
                    cycle_decision_unit_opinions::decision_id.asc(),
                    cycle_decision_unit_opinions::unit_id.asc(),
                ))
                .select((
                    cycle_decision_unit_opinions::decision_id,
                    cycle_decision_unit_opinions::unit_id,
                    units::name,
                    cycle_decision_unit_opinions::opinion,
                ))
                .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(decision, unit_id, unit_name, opinion)| {
                (
                    decision,
                    UnitOpinionRow {
                        unit_id,
                        unit_name,
                        opinion,
                    },
                )
            })
            .collect())
    }

    /// The cycle a decision belongs to.
    pub fn cycle_of(conn: &mut PgConnection, id: CycleDecisionId) -> QueryResult<CycleId> {
        cycle_decisions::table
            .find(id)
            .select(cycle_decisions::cycle_id)
            .first(conn)
    }
}
