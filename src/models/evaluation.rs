//! The democratic evaluation's tables: `evaluation_rounds` with their frozen leaders, the
//! unused `ballot_codes`, the `evaluation_ballots`, the `evaluation_paper_counts`, the
//! `ballot_failures` counters, `leader_grades`, and each cycle's `evaluation_settings`.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CycleId, LeaderId, RoundId, UnitId};
use crate::domain::evaluation::{Grade, ParticipantCategory, RoundState};
use crate::schema::{
    ballot_codes, ballot_failures, evaluation_ballots, evaluation_paper_counts,
    evaluation_round_leaders, evaluation_rounds, evaluation_settings, leader_grades,
};

/// How many slips go to one participant category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategorySlips {
    /// The category.
    #[schema(required = true, value_type = ParticipantCategory)]
    pub category: Option<ParticipantCategory>,
    /// Slips for it.
    #[schema(required = true, value_type = i32, minimum = 1, maximum = 1000, example = 30)]
    pub slips: Option<i32>,
}

/// A row of `evaluation_rounds`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = evaluation_rounds, check_for_backend(Pg))]
pub struct Round {
    pub id: RoundId,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub tag: String,
    pub title: String,
    pub state: RoundState,
    pub categories: serde_json::Value,
    pub codes_issued: i32,
    pub failed_attempts: i32,
    pub online_ballots: i32,
    pub paper_forms_handed_out: i32,
    pub paper_forms_returned: i32,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Values for a new round.
#[derive(Debug, Insertable)]
#[diesel(table_name = evaluation_rounds)]
pub struct NewRound {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub tag: String,
    pub title: String,
    pub categories: serde_json::Value,
}

/// Changes to a round; `None` leaves a column as it is. Every change bumps the version.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = evaluation_rounds)]
pub struct RoundChangeset {
    pub state: Option<RoundState>,
    pub codes_issued: Option<i32>,
    pub failed_attempts: Option<i32>,
    pub online_ballots: Option<i32>,
    pub paper_forms_handed_out: Option<i32>,
    pub paper_forms_returned: Option<i32>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Round {
    /// The round `id` of unit `unit_id` in cycle `cycle_id`, locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        id: RoundId,
        lock: bool,
    ) -> QueryResult<Option<Round>> {
        let query = evaluation_rounds::table
            .filter(evaluation_rounds::cycle_id.eq(cycle_id))
            .filter(evaluation_rounds::unit_id.eq(unit_id))
            .filter(evaluation_rounds::id.eq(id))
            .select(Round::as_select());
        if lock {
            query.for_no_key_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// The unit's rounds in the cycle, oldest first.
    pub fn list(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<Vec<Round>> {
        evaluation_rounds::table
            .filter(evaluation_rounds::cycle_id.eq(cycle_id))
            .filter(evaluation_rounds::unit_id.eq(unit_id))
            .order(evaluation_rounds::id.asc())
            .select(Round::as_select())
            .load(conn)
    }

    /// The unit's round that is open or suspended in the cycle, if any.
    pub fn unclosed(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<Option<Round>> {
        evaluation_rounds::table
            .filter(evaluation_rounds::cycle_id.eq(cycle_id))
            .filter(evaluation_rounds::unit_id.eq(unit_id))
            .filter(evaluation_rounds::state.ne(RoundState::Closed))
            .select(Round::as_select())
            .first(conn)
            .optional()
    }

    /// The unit's most recently closed round in the cycle, if any.
    pub fn latest_closed(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<Option<Round>> {
        evaluation_rounds::table
            .filter(evaluation_rounds::cycle_id.eq(cycle_id))
            .filter(evaluation_rounds::unit_id.eq(unit_id))
            .filter(evaluation_rounds::state.eq(RoundState::Closed))
            .order((
                evaluation_rounds::closed_at.desc(),
                evaluation_rounds::id.desc(),
            ))
            .select(Round::as_select())
            .first(conn)
            .optional()
    }

    /// The round whose codes start with `tag`, if any.
    pub fn by_tag(conn: &mut PgConnection, tag: &str) -> QueryResult<Option<Round>> {
        evaluation_rounds::table
            .filter(evaluation_rounds::tag.eq(tag))
            .select(Round::as_select())
            .first(conn)
            .optional()
    }

    /// Whether any round of the cycle has opened (the evaluation settings freeze then).
    pub fn any_in_cycle(conn: &mut PgConnection, cycle_id: CycleId) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            evaluation_rounds::table.filter(evaluation_rounds::cycle_id.eq(cycle_id)),
        ))
        .get_result(conn)
    }

    /// Whether a round already has this tag.
    pub fn tag_taken(conn: &mut PgConnection, tag: &str) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            evaluation_rounds::table.filter(evaluation_rounds::tag.eq(tag)),
        ))
        .get_result(conn)
    }

    /// Applies `changes` and bumps the version.
    pub fn update(
        conn: &mut PgConnection,
        id: RoundId,
        changes: &RoundChangeset,
    ) -> QueryResult<Round> {
        diesel::update(evaluation_rounds::table.find(id))
            .set((
                changes,
                evaluation_rounds::version.eq(evaluation_rounds::version + 1),
                evaluation_rounds::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Round::as_returning())
            .get_result(conn)
    }

    /// Counts one failed code against the round, without bumping its version (the counter is
    /// not part of what a client edits); suspends it once the count passes `budget`. Returns the
    /// round as it is now.
    pub fn count_failure(conn: &mut PgConnection, id: RoundId, budget: i32) -> QueryResult<Round> {
        let round: Round = diesel::update(evaluation_rounds::table.find(id))
            .set(evaluation_rounds::failed_attempts.eq(evaluation_rounds::failed_attempts + 1))
            .returning(Round::as_returning())
            .get_result(conn)?;
        if round.state == RoundState::Open && round.failed_attempts > budget {
            return diesel::update(evaluation_rounds::table.find(id))
                .set((
                    evaluation_rounds::state.eq(RoundState::Suspended),
                    evaluation_rounds::version.eq(evaluation_rounds::version + 1),
                    evaluation_rounds::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Round::as_returning())
                .get_result(conn);
        }
        Ok(round)
    }
}

impl NewRound {
    /// Inserts the round.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<Round> {
        diesel::insert_into(evaluation_rounds::table)
            .values(self)
            .returning(Round::as_returning())
            .get_result(conn)
    }
}

/// A row of `evaluation_round_leaders`: a leader as they were when the round opened.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = evaluation_round_leaders, check_for_backend(Pg))]
pub struct RoundLeader {
    pub round_id: RoundId,
    pub leader_id: LeaderId,
    pub ordinal: i32,
    pub name: String,
    pub position: String,
}

impl RoundLeader {
    /// Freezes the round's leaders.
    pub fn insert_all(conn: &mut PgConnection, rows: &[RoundLeader]) -> QueryResult<usize> {
        diesel::insert_into(evaluation_round_leaders::table)
            .values(rows)
            .execute(conn)
    }

    /// The round's leaders in ballot order.
    pub fn for_round(conn: &mut PgConnection, round_id: RoundId) -> QueryResult<Vec<RoundLeader>> {
        evaluation_round_leaders::table
            .filter(evaluation_round_leaders::round_id.eq(round_id))
            .order(evaluation_round_leaders::ordinal.asc())
            .select(RoundLeader::as_select())
            .load(conn)
    }
}

/// Keyed hashes of unused codes.
pub struct BallotCode;

impl BallotCode {
    /// Stores the hashes of new codes of a round.
    pub fn insert_all(
        conn: &mut PgConnection,
        round_id: RoundId,
        hashes: &[String],
    ) -> QueryResult<usize> {
        let rows: Vec<_> = hashes
            .iter()
            .map(|h| {
                (
                    ballot_codes::code_hash.eq(h),
                    ballot_codes::round_id.eq(round_id),
                )
            })
            .collect();
        diesel::insert_into(ballot_codes::table)
            .values(rows)
            .execute(conn)
    }

    /// Whether the code with this hash is an unused code of the round (a read, no lock).
    pub fn exists(conn: &mut PgConnection, round_id: RoundId, hash: &str) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            ballot_codes::table
                .filter(ballot_codes::code_hash.eq(hash))
                .filter(ballot_codes::round_id.eq(round_id)),
        ))
        .get_result(conn)
    }

    /// Uses the code up: deletes it, and says whether it was there (a concurrent vote with the
    /// same code, or the round's closing, waits for this one and then finds nothing).
    pub fn take(conn: &mut PgConnection, round_id: RoundId, hash: &str) -> QueryResult<bool> {
        let deleted = diesel::delete(
            ballot_codes::table
                .filter(ballot_codes::code_hash.eq(hash))
                .filter(ballot_codes::round_id.eq(round_id)),
        )
        .execute(conn)?;
        Ok(deleted == 1)
    }

    /// Deletes the round's unused codes.
    pub fn delete_for_round(conn: &mut PgConnection, round_id: RoundId) -> QueryResult<usize> {
        diesel::delete(ballot_codes::table.filter(ballot_codes::round_id.eq(round_id)))
            .execute(conn)
    }
}

/// An online ballot as stored: no id is ever read back, and nothing links it to its code.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = evaluation_ballots, check_for_backend(Pg))]
pub struct Ballot {
    pub round_id: RoundId,
    pub category: ParticipantCategory,
    /// `{"<leader_id>": "<mark>"}`.
    pub grades: serde_json::Value,
    pub comment: Option<String>,
}

impl Ballot {
    /// Stores one ballot; its id is random (`gen_random_uuid()`).
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<usize> {
        diesel::insert_into(evaluation_ballots::table)
            .values(self)
            .execute(conn)
    }

    /// The round's ballots.
    pub fn for_round(conn: &mut PgConnection, round_id: RoundId) -> QueryResult<Vec<Ballot>> {
        evaluation_ballots::table
            .filter(evaluation_ballots::round_id.eq(round_id))
            .select(Ballot::as_select())
            .load(conn)
    }

    /// Replaces the round's ballots by `ballots`, inserted in the order given and with fresh
    /// random ids.
    pub fn rewrite(
        conn: &mut PgConnection,
        round_id: RoundId,
        ballots: &[Ballot],
    ) -> QueryResult<usize> {
        diesel::delete(evaluation_ballots::table.filter(evaluation_ballots::round_id.eq(round_id)))
            .execute(conn)?;
        if ballots.is_empty() {
            return Ok(0);
        }
        diesel::insert_into(evaluation_ballots::table)
            .values(ballots)
            .execute(conn)
    }
}

/// A row of `evaluation_paper_counts`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = evaluation_paper_counts, check_for_backend(Pg))]
pub struct PaperCount {
    pub round_id: RoundId,
    pub leader_id: LeaderId,
    pub category: ParticipantCategory,
    pub good: i32,
    pub fairly_good: i32,
    pub average: i32,
    pub poor: i32,
    pub unknown: i32,
}

impl PaperCount {
    /// The round's paper counts, by leader and category.
    pub fn for_round(conn: &mut PgConnection, round_id: RoundId) -> QueryResult<Vec<PaperCount>> {
        evaluation_paper_counts::table
            .filter(evaluation_paper_counts::round_id.eq(round_id))
            .order((
                evaluation_paper_counts::leader_id.asc(),
                evaluation_paper_counts::category.asc(),
            ))
            .select(PaperCount::as_select())
            .load(conn)
    }

    /// Replaces the round's paper counts.
    pub fn replace(
        conn: &mut PgConnection,
        round_id: RoundId,
        rows: &[PaperCount],
    ) -> QueryResult<usize> {
        diesel::delete(
            evaluation_paper_counts::table.filter(evaluation_paper_counts::round_id.eq(round_id)),
        )
        .execute(conn)?;
        if rows.is_empty() {
            return Ok(0);
        }
        diesel::insert_into(evaluation_paper_counts::table)
            .values(rows)
            .execute(conn)
    }
}

/// The failed-code counters of the rate limit.
pub struct BallotFailure;

impl BallotFailure {
    /// Failures of `client_key` in the window starting at `window_start`.
    pub fn count(
        conn: &mut PgConnection,
        client_key: &str,
        window_start: DateTime<Utc>,
    ) -> QueryResult<i32> {
        ballot_failures::table
            .filter(ballot_failures::client_key.eq(client_key))
            .filter(ballot_failures::window_start.eq(window_start))
            .select(ballot_failures::failures)
            .first(conn)
            .optional()
            .map(Option::unwrap_or_default)
    }

    /// Counts one more failure of `client_key` in its window, and forgets windows before it.
    pub fn record(
        conn: &mut PgConnection,
        client_key: &str,
        window_start: DateTime<Utc>,
    ) -> QueryResult<()> {
        diesel::delete(
            ballot_failures::table.filter(ballot_failures::window_start.lt(window_start)),
        )
        .execute(conn)?;
        diesel::insert_into(ballot_failures::table)
            .values((
                ballot_failures::client_key.eq(client_key),
                ballot_failures::window_start.eq(window_start),
                ballot_failures::failures.eq(1),
            ))
            .on_conflict((ballot_failures::client_key, ballot_failures::window_start))
            .do_update()
            .set(ballot_failures::failures.eq(ballot_failures::failures + 1))
            .execute(conn)?;
        Ok(())
    }
}

/// A row of `leader_grades`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = leader_grades, check_for_backend(Pg))]
pub struct LeaderGrade {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub leader_id: LeaderId,
    pub leader_name: String,
    pub grade: Grade,
    pub proposed_grade: Option<Grade>,
    pub round_id: Option<RoundId>,
    pub reason: Option<String>,
    pub set_by: String,
    pub set_by_name: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Values of a grade set or replaced.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = leader_grades, treat_none_as_null = true)]
pub struct NewLeaderGrade {
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub leader_id: LeaderId,
    pub leader_name: String,
    pub grade: Grade,
    pub proposed_grade: Option<Grade>,
    pub round_id: Option<RoundId>,
    pub reason: Option<String>,
    pub set_by: String,
    pub set_by_name: String,
}

impl LeaderGrade {
    /// The grade of one leader, locked when `lock`.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
        leader_id: LeaderId,
        lock: bool,
    ) -> QueryResult<Option<LeaderGrade>> {
        let query = leader_grades::table
            .find((cycle_id, unit_id, leader_id))
            .select(LeaderGrade::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// The unit's grades in the cycle.
    pub fn for_unit(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        unit_id: UnitId,
    ) -> QueryResult<Vec<LeaderGrade>> {
        leader_grades::table
            .filter(leader_grades::cycle_id.eq(cycle_id))
            .filter(leader_grades::unit_id.eq(unit_id))
            .order(leader_grades::leader_id.asc())
            .select(LeaderGrade::as_select())
            .load(conn)
    }
}

impl NewLeaderGrade {
    /// Inserts the grade.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<LeaderGrade> {
        diesel::insert_into(leader_grades::table)
            .values(self)
            .returning(LeaderGrade::as_returning())
            .get_result(conn)
    }

    /// Replaces the grade and bumps its version.
    pub fn replace(&self, conn: &mut PgConnection) -> QueryResult<LeaderGrade> {
        diesel::update(leader_grades::table.find((self.cycle_id, self.unit_id, self.leader_id)))
            .set((
                self,
                leader_grades::version.eq(leader_grades::version + 1),
                leader_grades::updated_at.eq(diesel::dsl::now),
            ))
            .returning(LeaderGrade::as_returning())
            .get_result(conn)
    }
}

/// A row of `evaluation_settings`: a cycle's democratic-evaluation settings.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = evaluation_settings, check_for_backend(Pg))]
pub struct EvaluationSettingsRow {
    pub cycle_id: CycleId,
    pub coefficient_good: BigDecimal,
    pub coefficient_fairly_good: BigDecimal,
    pub coefficient_average: BigDecimal,
    pub coefficient_poor: BigDecimal,
    pub min_ballots: i32,
    pub failure_budget: i32,
    pub rule: serde_json::Value,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// Changes to a cycle's evaluation settings; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = evaluation_settings)]
pub struct EvaluationSettingsChangeset {
    pub coefficient_good: Option<BigDecimal>,
    pub coefficient_fairly_good: Option<BigDecimal>,
    pub coefficient_average: Option<BigDecimal>,
    pub coefficient_poor: Option<BigDecimal>,
    pub min_ballots: Option<i32>,
    pub failure_budget: Option<i32>,
    pub rule: Option<serde_json::Value>,
}

impl EvaluationSettingsRow {
    /// The cycle's evaluation settings, locked when `lock`; `None` when there is no such cycle.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        lock: bool,
    ) -> QueryResult<Option<EvaluationSettingsRow>> {
        let query = evaluation_settings::table
            .find(cycle_id)
            .select(EvaluationSettingsRow::as_select());
        if lock {
            query.for_update().first(conn).optional()
        } else {
            query.first(conn).optional()
        }
    }

    /// Applies `changes` and bumps the version.
    pub fn update(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        changes: &EvaluationSettingsChangeset,
    ) -> QueryResult<EvaluationSettingsRow> {
        diesel::update(evaluation_settings::table.find(cycle_id))
            .set((
                changes,
                evaluation_settings::version.eq(evaluation_settings::version + 1),
                evaluation_settings::updated_at.eq(diesel::dsl::now),
            ))
            .returning(EvaluationSettingsRow::as_returning())
            .get_result(conn)
    }
}
