//! The `commendations` table, commended units and leaders and criticism notices of a cycle
//! (plan §5), and `result_acknowledgements`, a unit's acknowledgement (回执) of each
//! publication of its result (issue 17).

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::{AcknowledgementId, CommendationId, CycleId, LeaderId, TransitionId, UnitId};
use crate::domain::lifecycle::CycleState;
use crate::schema::{commendations, cycle_transitions, result_acknowledgements};

crate::text_enum! {
    /// 表彰或通报类别 (what a record is; plan §5: the outstanding are commended, serious
    /// problems criticised in a notice).
    pub enum CommendationKind {
        /// 表彰单位 (a commended unit)
        UnitCommendation => "unit_commendation",
        /// 表彰个人 (a commended leader of a unit)
        LeaderCommendation => "leader_commendation",
        /// 通报批评 (a criticism notice on a unit)
        CriticismNotice => "criticism_notice",
    }
}

crate::text_enum! {
    /// 通报范围 (who sees a record once it is published).
    pub enum CommendationScope {
        /// 仅县纪委办公室 (the office alone)
        Office => "office",
        /// 全体被考核单位 (every unit, and the named unit's inspection team)
        Units => "units",
        /// 仅所涉单位 (only the unit named, and its inspection team)
        Unit => "unit",
    }
}

/// A row of `commendations`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = commendations, check_for_backend(Pg))]
pub struct Commendation {
    pub id: CommendationId,
    pub cycle_id: CycleId,
    pub kind: CommendationKind,
    pub unit_id: UnitId,
    pub leader_id: Option<LeaderId>,
    pub leader_name: Option<String>,
    pub reason: String,
    pub document_ref: String,
    pub scope: CommendationScope,
    pub with_results: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub recorded_by: String,
    pub recorded_by_name: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a record or a replacement writes (the leader's name is read from the registry).
#[derive(Debug, Clone, Serialize, AsChangeset)]
#[diesel(table_name = commendations, treat_none_as_null = true)]
pub struct CommendationText {
    pub kind: CommendationKind,
    pub unit_id: UnitId,
    pub leader_id: Option<LeaderId>,
    pub leader_name: Option<String>,
    pub reason: String,
    pub document_ref: String,
    pub scope: CommendationScope,
    pub with_results: bool,
}

impl Commendation {
    /// Whether it is published, given its cycle's state: published on its own, or published
    /// with the results while they are (published or archived).
    pub fn is_published(&self, cycle_state: CycleState) -> bool {
        self.published_at.is_some()
            || (self.with_results
                && matches!(cycle_state, CycleState::Published | CycleState::Archived))
    }

    /// Records one for the cycle.
    pub fn insert(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        text: &CommendationText,
        by: (&str, &str),
    ) -> QueryResult<Commendation> {
        diesel::insert_into(commendations::table)
            .values((
                commendations::cycle_id.eq(cycle_id),
                commendations::kind.eq(text.kind),
                commendations::unit_id.eq(text.unit_id),
                commendations::leader_id.eq(text.leader_id),
                commendations::leader_name.eq(&text.leader_name),
                commendations::reason.eq(&text.reason),
                commendations::document_ref.eq(&text.document_ref),
                commendations::scope.eq(text.scope),
                commendations::with_results.eq(text.with_results),
                commendations::recorded_by.eq(by.0),
                commendations::recorded_by_name.eq(by.1),
            ))
            .returning(Commendation::as_returning())
            .get_result(conn)
    }

    /// The cycle's record `id`, locked for a change when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        id: CommendationId,
        lock: bool,
    ) -> QueryResult<Option<Commendation>> {
        let query = commendations::table
            .filter(commendations::id.eq(id))
            .filter(commendations::cycle_id.eq(cycle_id))
            .select(Commendation::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// The cycle's records, oldest first, of one kind and one unit where given.
    pub fn for_cycle(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        kind: Option<CommendationKind>,
        unit_id: Option<UnitId>,
    ) -> QueryResult<Vec<Commendation>> {
        let mut query = commendations::table
            .filter(commendations::cycle_id.eq(cycle_id))
            .select(Commendation::as_select())
            .order(commendations::id.asc())
            .into_boxed();
        if let Some(kind) = kind {
            query = query.filter(commendations::kind.eq(kind));
        }
        if let Some(unit_id) = unit_id {
            query = query.filter(commendations::unit_id.eq(unit_id));
        }
        query.load(conn)
    }

    /// Replaces its text, bumping its version.
    pub fn replace(
        conn: &mut PgConnection,
        id: CommendationId,
        text: &CommendationText,
    ) -> QueryResult<Commendation> {
        diesel::update(commendations::table.find(id))
            .set((
                text,
                commendations::version.eq(commendations::version + 1),
                commendations::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Commendation::as_returning())
            .get_result(conn)
    }

    /// Marks it published, now, bumping its version.
    pub fn publish(conn: &mut PgConnection, id: CommendationId) -> QueryResult<Commendation> {
        diesel::update(commendations::table.find(id))
            .set((
                commendations::published_at.eq(diesel::dsl::now),
                commendations::version.eq(commendations::version + 1),
                commendations::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Commendation::as_returning())
            .get_result(conn)
    }

    /// Deletes it.
    pub fn delete(conn: &mut PgConnection, id: CommendationId) -> QueryResult<usize> {
        diesel::delete(commendations::table.find(id)).execute(conn)
    }
}

/// A row of `result_acknowledgements`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = result_acknowledgements, check_for_backend(Pg))]
pub struct Acknowledgement {
    pub id: AcknowledgementId,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub transition_id: TransitionId,
    pub acknowledged_by: String,
    pub acknowledged_by_name: String,
    pub acknowledged_at: DateTime<Utc>,
    pub note: Option<String>,
}

impl Acknowledgement {
    /// The cycle's latest `published` transition (its current publication) and when it was.
    pub fn latest_publication(
        conn: &mut PgConnection,
        cycle_id: CycleId,
    ) -> QueryResult<Option<(TransitionId, DateTime<Utc>)>> {
        cycle_transitions::table
            .filter(cycle_transitions::cycle_id.eq(cycle_id))
            .filter(cycle_transitions::to_state.eq(CycleState::Published))
            .order(cycle_transitions::id.desc())
            .select((cycle_transitions::id, cycle_transitions::occurred_at))
            .first(conn)
            .optional()
    }

    /// The unit's acknowledgement of the publication `transition_id`, if it made one.
    pub fn find(
        conn: &mut PgConnection,
        (cycle_id, unit_id): (CycleId, UnitId),
        transition_id: TransitionId,
    ) -> QueryResult<Option<Acknowledgement>> {
        result_acknowledgements::table
            .filter(result_acknowledgements::cycle_id.eq(cycle_id))
            .filter(result_acknowledgements::unit_id.eq(unit_id))
            .filter(result_acknowledgements::transition_id.eq(transition_id))
            .select(Acknowledgement::as_select())
            .first(conn)
            .optional()
    }

    /// Records the unit's acknowledgement of the publication `transition_id`.
    pub fn insert(
        conn: &mut PgConnection,
        (cycle_id, unit_id): (CycleId, UnitId),
        transition_id: TransitionId,
        by: (&str, &str),
        note: Option<&str>,
    ) -> QueryResult<Acknowledgement> {
        diesel::insert_into(result_acknowledgements::table)
            .values((
                result_acknowledgements::cycle_id.eq(cycle_id),
                result_acknowledgements::unit_id.eq(unit_id),
                result_acknowledgements::transition_id.eq(transition_id),
                result_acknowledgements::acknowledged_by.eq(by.0),
                result_acknowledgements::acknowledged_by_name.eq(by.1),
                result_acknowledgements::note.eq(note),
            ))
            .returning(Acknowledgement::as_returning())
            .get_result(conn)
    }
}
