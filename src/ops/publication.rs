//! The publication guard (issue 15 item 3): what a cycle needs before its results are
//! published, unit by unit. `ops::cycles::check_transition` runs it for `review → published`,
//! so the transition and the office's task list (`ops::tasks`) refuse for the same reasons.
//! Three statements whatever the county's size.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Text};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::models::CycleId;
use crate::models::decision::{Decision, DecisionKind};
use crate::models::publication::PublicationSettings;

crate::text_enum! {
    /// 通报前缺少的内容 (what a unit still lacks before publication).
    pub enum MissingPiece {
        /// 评分表未全部签署定稿 (its score sheet is not final)
        FinalSheet => "final_sheet",
        /// 未录入日常考核得分 (it has no routine score)
        RoutineScore => "routine_score",
        /// 班子成员未全部评定等次 (a leader has no final grade)
        LeaderGrades => "leader_grades",
        /// 考核组报告未定稿 (its team report is not final)
        FinalTeamReport => "final_team_report",
        /// 民主评议轮次尚未结束 (an evaluation round is still open or suspended: close it, so
        /// that no ballot arrives after publication)
        EvaluationRoundOpen => "evaluation_round_open",
    }
}

crate::text_enum! {
    /// 通报前周期层面缺少的内容 (what the cycle itself still lacks before publication).
    pub enum CycleMissingPiece {
        /// 未填写通报文号 (the publication notice's reference is not set: `PUT …/publication`)
        PublicationDocument => "publication_document",
    }
}

/// What one assessed unit lacks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitMissing {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// What it lacks, in a fixed order.
    pub missing: Vec<MissingPiece>,
    /// The leaders without a final grade: those of its last closed evaluation round, or its
    /// active leaders where it had none.
    pub leaders_without_grade: Vec<i64>,
}

/// Everything publication still needs.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Missing {
    /// The assessed units that lack something, by id.
    pub units: Vec<UnitMissing>,
    /// The decision records not made yet.
    pub decisions: Vec<DecisionKind>,
    /// What the cycle itself lacks: the publication notice's reference.
    pub cycle: Vec<CycleMissingPiece>,
}

impl Missing {
    /// Whether nothing is missing.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty() && self.decisions.is_empty() && self.cycle.is_empty()
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    unit_name: String,
    #[diesel(sql_type = Bool)]
    no_final_sheet: bool,
    #[diesel(sql_type = Bool)]
    no_routine_score: bool,
    #[diesel(sql_type = Bool)]
    no_final_report: bool,
    #[diesel(sql_type = Bool)]
    round_open: bool,
    #[diesel(sql_type = Array<BigInt>)]
    ungraded: Vec<i64>,
}

/// Every assessed unit's missing pieces, in one statement: a final sheet, a routine score, a
/// final team report, a final grade for each leader of its last closed round (each active
/// leader where it closed none), and no round left open or suspended (a ballot must not arrive
/// after publication).
const UNITS_MISSING: &str = "
WITH assessed AS (
    SELECT cu.unit_id, u.name FROM cycle_units cu JOIN units u ON u.id = cu.unit_id
     WHERE cu.cycle_id = $1 AND cu.status = 'assessed'
), last_round AS (
    SELECT DISTINCT ON (r.unit_id) r.unit_id, r.id FROM evaluation_rounds r
     WHERE r.cycle_id = $1 AND r.state = 'closed'
     ORDER BY r.unit_id, r.closed_at DESC, r.id DESC
), expected AS (
    SELECT lr.unit_id, rl.leader_id FROM last_round lr
      JOIN evaluation_round_leaders rl ON rl.round_id = lr.id
    UNION ALL
    SELECT a.unit_id, l.id FROM assessed a JOIN leaders l ON l.unit_id = a.unit_id
     WHERE NOT EXISTS (SELECT 1 FROM last_round lr WHERE lr.unit_id = a.unit_id)
), checked AS (
    SELECT a.unit_id, a.name AS unit_name,
        NOT EXISTS (SELECT 1 FROM scoring_records s WHERE s.cycle_id = $1
            AND s.unit_id = a.unit_id AND s.status = 'final') AS no_final_sheet,
        NOT EXISTS (SELECT 1 FROM routine_scores r WHERE r.cycle_id = $1
            AND r.unit_id = a.unit_id) AS no_routine_score,
        NOT EXISTS (SELECT 1 FROM team_reports t WHERE t.cycle_id = $1
            AND t.unit_id = a.unit_id AND t.status = 'final') AS no_final_report,
        EXISTS (SELECT 1 FROM evaluation_rounds r WHERE r.cycle_id = $1
            AND r.unit_id = a.unit_id AND r.state <> 'closed') AS round_open,
        COALESCE((SELECT array_agg(e.leader_id ORDER BY e.leader_id) FROM expected e
            WHERE e.unit_id = a.unit_id AND NOT EXISTS (SELECT 1 FROM leader_grades g
                WHERE g.cycle_id = $1 AND g.unit_id = e.unit_id
                  AND g.leader_id = e.leader_id)), '{}') AS ungraded
    FROM assessed a
)
SELECT * FROM checked
 WHERE no_final_sheet OR no_routine_score OR no_final_report OR round_open
    OR cardinality(ungraded) > 0
 ORDER BY unit_id";

/// What the cycle still needs before publication (nothing, when it may be published).
pub fn missing(conn: &mut PgConnection, cycle_id: CycleId) -> Result<Missing, ApiError> {
    let rows: Vec<Row> = diesel::sql_query(UNITS_MISSING)
        .bind::<BigInt, _>(cycle_id.0)
        .load(conn)?;
    let units = rows
        .into_iter()
        .map(|row| {
            let pieces = [
                (row.no_final_sheet, MissingPiece::FinalSheet),
                (row.no_routine_score, MissingPiece::RoutineScore),
                (!row.ungraded.is_empty(), MissingPiece::LeaderGrades),
                (row.no_final_report, MissingPiece::FinalTeamReport),
                (row.round_open, MissingPiece::EvaluationRoundOpen),
            ];
            UnitMissing {
                unit_id: row.unit_id,
                unit_name: row.unit_name,
                missing: pieces
                    .into_iter()
                    .filter(|(lacks, _)| *lacks)
                    .map(|(_, piece)| piece)
                    .collect(),
                leaders_without_grade: row.ungraded,
            }
        })
        .collect();
    let recorded = Decision::kinds(conn, cycle_id)?;
    let decisions = DecisionKind::ALL
        .iter()
        .copied()
        .filter(|kind| !recorded.contains(kind))
        .collect();
    let document = PublicationSettings::find(conn, cycle_id, false)?.document_ref;
    let cycle = document
        .is_none()
        .then_some(CycleMissingPiece::PublicationDocument)
        .into_iter()
        .collect();
    Ok(Missing {
        units,
        decisions,
        cycle,
    })
}

/// Answers 409 `publication_incomplete` unless the cycle has everything publication needs; the
/// problem's `missing` member lists what it lacks, unit by unit, and the decisions not made.
pub fn ensure_complete(conn: &mut PgConnection, cycle_id: CycleId) -> Result<(), ApiError> {
    let missing = missing(conn, cycle_id)?;
    if missing.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = missing
        .units
        .iter()
        .take(5)
        .map(|u| u.unit_name.as_str())
        .collect();
    let mut parts = Vec::new();
    if !missing.units.is_empty() {
        parts.push(format!(
            "{} assessed unit(s) lack a final sheet, a routine score, leader grades or a final \
             team report, or have an evaluation round open, for example {}",
            missing.units.len(),
            names.join("、")
        ));
    }
    if !missing.decisions.is_empty() {
        let kinds: Vec<&str> = missing.decisions.iter().map(|k| k.as_str()).collect();
        parts.push(format!("decisions not recorded: {}", kinds.join(", ")));
    }
    if !missing.cycle.is_empty() {
        parts.push("the publication notice's reference is not set (PUT …/publication)".into());
    }
    Err(ApiError::Incomplete {
        code: "publication_incomplete",
        detail: format!("{}; `missing` lists each", parts.join("; ")),
        missing: serde_json::to_value(&missing).map_err(ApiError::internal)?,
    })
}
