//! A unit's full report of a cycle (issue 16 item 3; plan §4, §5): every item of its final
//! score sheet with the team's deductions and their grounds beside the unit's self-score; the
//! methods the team used, its referrals to the 公述民评 group and its report; the routine score
//! and the visit's findings; the result (total, ranks, band, leader grades) exactly as
//! `ops::results::get` gives it to the caller; the rectification; and the year-over-year line
//! from the publication snapshots, with a warning where the unit was at or below the line, or in
//! the lowest two bands, in two cycles running.
//!
//! [`read`] runs a fixed number of statements whatever the form's or the county's size: the
//! cycle, the caller's scope, `results::get`, the cycle's bands, one statement for the unit's
//! one-to-one parts (team, sheet, team report, routine score, visit, rectification,
//! self-scores), one for the items, one for the referrals, one for the history.

use std::collections::HashMap;

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Int2, Int4, Jsonb, Nullable, Numeric, Text, Timestamptz};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::{AuthUser, Role, scope};
use crate::domain::evaluation::Grade;
use crate::domain::forms::DeductionRule;
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::domain::scoring::{Deduction, DeductionKind, Method};
use crate::error::ApiError;
use crate::models::rectification::RectificationStatus;
use crate::models::result::GradeBand;
use crate::models::scoring::SheetStatus;
use crate::models::{CycleId, UnitId, UnitKind};
use crate::ops::cycles::find_cycle;
use crate::ops::rectifications::is_overdue;
use crate::ops::results::{self, ResultStatus, UnitResult, not_published, published};
use crate::reports::{Amount, Cell, ChartKind, ChartSpec, Document, Sheet, zh_label};

/// The team that inspected the unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportTeam {
    /// Its name.
    #[schema(example = "第一考核组")]
    pub name: String,
    /// Its leader's name.
    #[schema(example = "欧阳志明")]
    pub leader_name: String,
}

/// One deduction of the team, with the rule it applies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportDeduction {
    /// The rule's code, or none for a free deduction.
    #[schema(example = "1.2-R1")]
    pub rule_code: Option<String>,
    /// When the rule applies (扣分依据), as the form says.
    pub rule_grounds: Option<String>,
    /// How many times it applies.
    #[schema(example = 1)]
    pub occurrences: u32,
    /// Points per occurrence.
    #[schema(value_type = String, example = "1.50")]
    pub points: Points,
    /// Points taken in all (points × occurrences).
    #[schema(value_type = String, example = "1.50")]
    pub amount: Points,
    /// The team's grounds (扣分理由).
    pub grounds: Option<String>,
    /// Integrity violation, corruption, or other.
    pub kind: DeductionKind,
}

/// One item of the unit's form: its self-score beside the team's score on the final sheet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportItem {
    /// The item's code.
    #[schema(example = "1.2")]
    pub item_code: String,
    /// What is assessed.
    pub title: String,
    /// Its content area, 1 to 7.
    #[schema(example = 1)]
    pub content_area: i16,
    /// Its maximum points.
    #[schema(value_type = String, example = "6.00")]
    pub max_points: Points,
    /// The unit's latest submitted self-score for it.
    #[schema(value_type = Option<String>, example = "6.00")]
    pub self_score: Option<Points>,
    /// The team's points on the final sheet (none until the sheet is final).
    #[schema(value_type = Option<String>, example = "4.50")]
    pub points: Option<Points>,
    /// Points lost: the maximum less the team's points (none until the sheet is final).
    #[schema(value_type = Option<String>, example = "1.50")]
    pub lost_points: Option<Points>,
    /// The team's deductions on the final sheet.
    pub deductions: Vec<ReportDeduction>,
    /// The team's evidence notes.
    pub evidence_notes: Option<String>,
}

/// A referral to the 公述民评 group recorded on the sheet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportReferral {
    /// The leader concerned, when named.
    #[schema(example = "李明")]
    pub leader_name: Option<String>,
    /// The facts.
    pub facts: String,
    /// The decision it rests on.
    pub decision: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// The score sheet: the items, the methods and the referrals of the final sheet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportSheet {
    /// Where the sheet is; none before the team starts it. The team's scores, methods and
    /// referrals are shown once it is `final`.
    pub status: Option<SheetStatus>,
    /// Every item of the unit's form, in the form's order.
    pub items: Vec<ReportItem>,
    /// The unit's self-score in all (the sum of its submitted self-scores), if it gave any.
    #[schema(value_type = Option<String>, example = "95.00")]
    pub self_total: Option<Points>,
    /// The team's total on the final sheet (the result's special score).
    #[schema(value_type = Option<String>, example = "88.50")]
    pub team_total: Option<Points>,
    /// How the team gathered evidence.
    pub methods: Vec<Method>,
    /// Referrals to the 公述民评 group.
    pub referrals: Vec<ReportReferral>,
}

/// The team's assessment report (overall evaluation, problems, advice).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportTeamReport {
    /// Where it is.
    pub status: SheetStatus,
    /// 总体评价.
    pub overall_evaluation: Option<String>,
    /// 存在问题.
    pub problems_found: Option<String>,
    /// 整改建议.
    pub rectification_advice: Option<String>,
    /// When it was submitted for signature.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Whether it came after the cycle's due date.
    pub late: bool,
}

/// The routine visit of a sampled unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportVisit {
    /// Where the record is.
    pub status: SheetStatus,
    /// The day of the visit.
    pub visited_on: Option<NaiveDate>,
    /// 发现的问题和情况.
    pub findings: Option<String>,
}

/// The routine inspection of the unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportRoutine {
    /// Its routine score, out of 10 (the result's routine score).
    #[schema(value_type = Option<String>, example = "9.50")]
    pub score: Option<Points>,
    /// The office's note on the score.
    pub note: Option<String>,
    /// The visit, where the unit was sampled.
    pub visit: Option<ReportVisit>,
}

/// The unit's rectification, where it owes one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportRectification {
    /// Where it is.
    pub status: RectificationStatus,
    /// Due at the end of this day, Asia/Shanghai.
    pub due_on: NaiveDate,
    /// Whether the last submission came after the due date.
    pub late: bool,
    /// Whether it is still with the unit after its due date, by the service's clock.
    pub overdue: bool,
    /// When it was last submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When the office accepted it.
    pub accepted_at: Option<DateTime<Utc>>,
}

/// One year of the unit's year-over-year line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryLine {
    /// The cycle.
    #[schema(example = 5)]
    pub cycle_id: i64,
    /// Its year.
    #[schema(example = 2013)]
    pub year: i32,
    /// Whether this is the report's own cycle (its result now), not an earlier publication.
    pub current: bool,
    /// The publication version it comes from (the latest of its cycle); none for the report's
    /// own cycle.
    #[schema(example = 1)]
    pub version: Option<i32>,
    /// `complete`, `incomplete` or `fallback`.
    pub status: ResultStatus,
    /// The total.
    #[schema(value_type = Option<String>, example = "72.45")]
    pub total: Option<Points>,
    /// Rank within its kind.
    #[schema(example = 12)]
    pub rank_in_kind: Option<i64>,
    /// Rank among all ranked units.
    #[schema(example = 60)]
    pub rank_overall: Option<i64>,
    /// Its grade band.
    #[schema(example = "一般")]
    pub band: Option<String>,
    /// Whether it was at or below the cycle's line (owed rectification).
    pub owes_rectification: Option<bool>,
    /// Whether its band was one of the cycle's lowest two (of three or more bands).
    pub in_lowest_bands: bool,
}

/// 连续两年预警: the unit was at or below the line, or in the lowest two bands, in two cycles
/// running (this cycle and the one before, or the two latest published).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RepeatWarning {
    /// The two years, older first.
    #[schema(example = json!([2012, 2013]))]
    pub years: Vec<i32>,
    /// Their cycles.
    #[schema(example = json!([4, 5]))]
    pub cycle_ids: Vec<i64>,
    /// The warning, in Chinese, with each year's total and why.
    pub message: String,
}

/// 单位考核情况报告 (a unit's full report of a cycle).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitReport {
    /// The cycle.
    #[schema(example = 5)]
    pub cycle_id: i64,
    /// Its year.
    #[schema(example = 2013)]
    pub year: i32,
    /// Its state.
    pub state: CycleState,
    /// When the data was read.
    pub as_of: DateTime<Utc>,
    /// The unit.
    #[schema(example = 8)]
    pub unit_id: i64,
    /// Its name.
    #[schema(example = "岭背镇")]
    pub unit_name: String,
    /// Its kind.
    pub unit_kind: UnitKind,
    /// The team that inspected it, if one did.
    pub team: Option<ReportTeam>,
    /// Its result, exactly as `GET …/units/{unit_id}/result` shows it to the caller (leader
    /// grades absent where the caller may not see them).
    pub result: UnitResult,
    /// The score sheet.
    pub sheet: ReportSheet,
    /// The team's report, if written.
    pub team_report: Option<ReportTeamReport>,
    /// The routine inspection.
    pub routine: ReportRoutine,
    /// The rectification, where the unit owes one.
    pub rectification: Option<ReportRectification>,
    /// The year-over-year line: its results in earlier published cycles (the latest
    /// publication of each), then this cycle's when it has a total; oldest first.
    pub history: Vec<HistoryLine>,
    /// The two-cycles warning, if it applies.
    pub warning: Option<RepeatWarning>,
}

/// The unit's one-to-one parts of the cycle, in one statement.
#[derive(QueryableByName)]
struct PartsRow {
    #[diesel(sql_type = Nullable<Text>)]
    team_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    team_leader: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    sheet_status: Option<SheetStatus>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    methods: Option<Value>,
    #[diesel(sql_type = Nullable<Text>)]
    report_status: Option<SheetStatus>,
    #[diesel(sql_type = Nullable<Text>)]
    overall_evaluation: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    problems_found: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    rectification_advice: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    report_submitted_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Bool>)]
    report_late: Option<bool>,
    #[diesel(sql_type = Nullable<Text>)]
    routine_note: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    visit_status: Option<SheetStatus>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Date>)]
    visited_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    findings: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    rect_status: Option<RectificationStatus>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Date>)]
    rect_due_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Bool>)]
    rect_late: Option<bool>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    rect_submitted_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    rect_accepted_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    self_scores: Option<Value>,
}

const PARTS: &str = "
SELECT t.name AS team_name, t.leader_name AS team_leader,
       sr.status AS sheet_status, sr.methods,
       tr.status AS report_status, tr.overall_evaluation, tr.problems_found,
       tr.rectification_advice, tr.submitted_at AS report_submitted_at, tr.late AS report_late,
       rs.note AS routine_note,
       rv.status AS visit_status, rv.visited_on, rv.findings,
       r.status AS rect_status, r.due_on AS rect_due_on, r.late AS rect_late,
       r.submitted_at AS rect_submitted_at, r.accepted_at AS rect_accepted_at,
       (SELECT dv.content -> 'scores'
          FROM document_versions dv
          JOIN self_inspections si ON si.id = dv.document_id
         WHERE dv.document_kind = 'self_inspection' AND si.cycle_id = $1 AND si.unit_id = $2
         ORDER BY dv.number DESC LIMIT 1) AS self_scores
  FROM (SELECT $1::bigint AS cycle_id, $2::bigint AS unit_id) k
  LEFT JOIN team_units tu ON tu.cycle_id = k.cycle_id AND tu.unit_id = k.unit_id
  LEFT JOIN inspection_teams t ON t.id = tu.team_id
  LEFT JOIN scoring_records sr ON sr.cycle_id = k.cycle_id AND sr.unit_id = k.unit_id
  LEFT JOIN team_reports tr ON tr.cycle_id = k.cycle_id AND tr.unit_id = k.unit_id
  LEFT JOIN routine_scores rs ON rs.cycle_id = k.cycle_id AND rs.unit_id = k.unit_id
  LEFT JOIN routine_visits rv ON rv.cycle_id = k.cycle_id AND rv.unit_id = k.unit_id
  LEFT JOIN rectifications r ON r.cycle_id = k.cycle_id AND r.unit_id = k.unit_id";

/// One item of the unit's form with the team's row for it on a final sheet.
#[derive(QueryableByName)]
struct ItemRow {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Int2)]
    content_area: i16,
    #[diesel(sql_type = Numeric)]
    max_points: BigDecimal,
    #[diesel(sql_type = Jsonb)]
    rules: Value,
    #[diesel(sql_type = Bool)]
    sheet_final: bool,
    #[diesel(sql_type = Nullable<Jsonb>)]
    deductions: Option<Value>,
    #[diesel(sql_type = Nullable<Text>)]
    evidence_notes: Option<String>,
    #[diesel(sql_type = Nullable<Numeric>)]
    points: Option<BigDecimal>,
}

/// The items of the unit's form; on a final sheet an item without a row of the team keeps
/// its maximum, as the results count it.
const ITEMS: &str = "
SELECT fi.code, fi.title, fi.content_area, fi.max_points, fi.rules,
       COALESCE(sr.status = 'final', false) AS sheet_final,
       CASE WHEN sr.status = 'final' THEN ri.deductions END AS deductions,
       CASE WHEN sr.status = 'final' THEN ri.evidence_notes END AS evidence_notes,
       CASE WHEN sr.status = 'final' THEN COALESCE(ri.points, fi.max_points) END AS points
  FROM cycle_units cu
  JOIN scoring_forms f ON f.cycle_id = cu.cycle_id AND f.form_kind = cu.form_kind
  JOIN form_items fi ON fi.form_id = f.id
  LEFT JOIN scoring_records sr ON sr.cycle_id = cu.cycle_id AND sr.unit_id = cu.unit_id
  LEFT JOIN record_items ri ON ri.record_id = sr.id AND ri.item_code = fi.code
 WHERE cu.cycle_id = $1 AND cu.unit_id = $2
 ORDER BY fi.position, fi.id";

#[derive(QueryableByName)]
struct ReferralRow {
    #[diesel(sql_type = Nullable<Text>)]
    leader_name: Option<String>,
    #[diesel(sql_type = Text)]
    facts: String,
    #[diesel(sql_type = Text)]
    decision: String,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
}

/// The referrals of the unit's final sheet.
const REFERRALS: &str = "
SELECT rf.leader_name, rf.facts, rf.decision, rf.created_at
  FROM referrals rf JOIN scoring_records sr ON sr.id = rf.record_id
 WHERE sr.cycle_id = $1 AND sr.unit_id = $2 AND sr.status = 'final'
 ORDER BY rf.id";

#[derive(QueryableByName)]
struct HistoryRow {
    #[diesel(sql_type = BigInt)]
    cycle_id: i64,
    #[diesel(sql_type = Int4)]
    year: i32,
    #[diesel(sql_type = Int4)]
    version: i32,
    #[diesel(sql_type = Nullable<Text>)]
    status: Option<ResultStatus>,
    #[diesel(sql_type = Nullable<Numeric>)]
    total: Option<BigDecimal>,
    #[diesel(sql_type = Nullable<BigInt>)]
    rank_in_kind: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    rank_overall: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    band: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    owes: Option<bool>,
    #[diesel(sql_type = Bool)]
    low_band: bool,
}

/// Every published cycle before this one (by year), its latest publication, and the unit's
/// row there if it had one; a band counts as low when it is one of the cycle's lowest two of
/// three or more.
const HISTORY: &str = "
WITH latest AS (
    SELECT DISTINCT ON (p.cycle_id) p.id, p.cycle_id, p.version, c.year
      FROM publications p JOIN assessment_cycles c ON c.id = p.cycle_id
     WHERE c.year < (SELECT year FROM assessment_cycles WHERE id = $1)
     ORDER BY p.cycle_id, p.version DESC
)
SELECT l.cycle_id, l.year, l.version, pr.status, pr.total, pr.rank_in_kind, pr.rank_overall,
       pr.band, pr.owes_rectification AS owes,
       COALESCE(pr.band IN (
           SELECT b.name FROM grade_bands b
            WHERE b.cycle_id = l.cycle_id
              AND (SELECT count(*) FROM grade_bands a WHERE a.cycle_id = l.cycle_id) > 2
            ORDER BY b.lower_bound LIMIT 2), false) AS low_band
  FROM latest l
  LEFT JOIN publication_results pr ON pr.publication_id = l.id AND pr.unit_id = $2
 ORDER BY l.year, l.cycle_id";

fn hidden(cycle_id: CycleId, unit_id: UnitId) -> ApiError {
    ApiError::not_found(format!(
        "no report of unit {unit_id} in cycle {cycle_id} in the caller's scope"
    ))
}

/// The unit's latest submitted self-scores, by item code (as the score sheet reads them).
fn self_scores(value: Option<Value>) -> HashMap<String, Points> {
    #[derive(Deserialize)]
    struct Score {
        item_code: String,
        points: Points,
    }
    value
        .and_then(|v| serde_json::from_value::<Vec<Score>>(v).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|s| (s.item_code, s.points))
        .collect()
}

fn item(row: ItemRow, own: &HashMap<String, Points>) -> ReportItem {
    let rules: Vec<DeductionRule> = serde_json::from_value(row.rules).unwrap_or_default();
    let deductions: Vec<Deduction> = row
        .deductions
        .and_then(|d| serde_json::from_value(d).ok())
        .unwrap_or_default();
    let deductions = deductions
        .into_iter()
        .map(|d| ReportDeduction {
            rule_grounds: d.rule_code.as_ref().and_then(|code| {
                rules
                    .iter()
                    .find(|r| &r.code == code)
                    .map(|r| r.grounds.clone())
            }),
            amount: d.amount(),
            rule_code: d.rule_code,
            occurrences: d.occurrences,
            points: d.points,
            grounds: d.grounds,
            kind: d.kind,
        })
        .collect();
    let max = Points(row.max_points);
    let points = row.points.filter(|_| row.sheet_final).map(Points);
    ReportItem {
        self_score: own.get(&row.code).cloned(),
        lost_points: points.as_ref().map(|p| Points(&max.0 - &p.0)),
        item_code: row.code,
        title: row.title,
        content_area: row.content_area,
        max_points: max,
        points,
        deductions,
        evidence_notes: row.evidence_notes,
    }
}

/// Whether a line of the history is weak: at or below the line, or in the lowest two bands.
fn weak(line: &HistoryLine) -> bool {
    line.owes_rectification == Some(true) || line.in_lowest_bands
}

/// Why a weak line is weak, in Chinese: `2013年 72.45分（一般，整改线以下）`.
fn weak_words(line: &HistoryLine) -> String {
    let mut why = Vec::new();
    if let Some(band) = &line.band {
        why.push(band.clone());
    }
    if line.owes_rectification == Some(true) {
        why.push("整改线（含）以下".to_owned());
    }
    if line.in_lowest_bands {
        why.push("最低两个档次".to_owned());
    }
    let total = line
        .total
        .as_ref()
        .map_or_else(|| "无总分".to_owned(), |t| format!("{t}分"));
    format!("{}年 {total}（{}）", line.year, why.join("，"))
}

/// The two-cycles warning over `sequence`: every published cycle before this one (with the
/// unit's line where it had one), then this cycle's line when it has a total; the last two
/// must both be the unit's and weak.
fn warning_of(sequence: &[(i64, i32, Option<&HistoryLine>)]) -> Option<RepeatWarning> {
    let [.., (_, _, Some(before)), (_, _, Some(last))] = sequence else {
        return None;
    };
    if !(weak(before) && weak(last)) {
        return None;
    }
    Some(RepeatWarning {
        years: vec![before.year, last.year],
        cycle_ids: vec![before.cycle_id, last.cycle_id],
        message: format!(
            "连续两个年度处于整改线（含）以下或最低两个档次：{}；{}。应予重点督促整改。",
            weak_words(before),
            weak_words(last)
        ),
    })
}

/// Whether the caller may read the unit's report: the office always; the unit its own after
/// publication (403 `not_published` before), never another's (404); an inspector their teams'
/// units after publication (404 otherwise).
fn ensure_visible(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
    is_published: bool,
) -> Result<(), ApiError> {
    match user.role {
        Role::Office => Ok(()),
        Role::Unit if user.unit_id == Some(unit_id) => {
            if is_published {
                Ok(())
            } else {
                Err(not_published())
            }
        }
        Role::Unit => Err(hidden(cycle_id, unit_id)),
        Role::Inspector => {
            if is_published && scope::inspects_in_cycle(conn, &user.sub, cycle_id, unit_id)? {
                Ok(())
            } else {
                Err(hidden(cycle_id, unit_id))
            }
        }
    }
}

/// The unit's full report of cycle `cycle_id` for `user`, read at `now`, in a fixed number of
/// statements (see the module's doc).
pub fn read(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
    now: DateTime<Utc>,
) -> Result<UnitReport, ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    ensure_visible(conn, user, cycle_id, unit_id, published(&cycle))?;
    let result = results::get(conn, user, cycle_id, unit_id)?;
    let bands = GradeBand::for_cycle(conn, cycle_id)?;
    let parts: PartsRow = diesel::sql_query(PARTS)
        .bind::<BigInt, _>(cycle_id.0)
        .bind::<BigInt, _>(unit_id.0)
        .get_result(conn)?;
    let items: Vec<ItemRow> = diesel::sql_query(ITEMS)
        .bind::<BigInt, _>(cycle_id.0)
        .bind::<BigInt, _>(unit_id.0)
        .load(conn)?;
    let referrals: Vec<ReferralRow> = diesel::sql_query(REFERRALS)
        .bind::<BigInt, _>(cycle_id.0)
        .bind::<BigInt, _>(unit_id.0)
        .load(conn)?;
    let earlier: Vec<HistoryRow> = diesel::sql_query(HISTORY)
        .bind::<BigInt, _>(cycle_id.0)
        .bind::<BigInt, _>(unit_id.0)
        .load(conn)?;

    let own = self_scores(parts.self_scores);
    let sheet_final = parts.sheet_status == Some(SheetStatus::Final);
    let items: Vec<ReportItem> = items.into_iter().map(|row| item(row, &own)).collect();
    let self_total = (!own.is_empty()).then(|| {
        Points::sum(
            items
                .iter()
                .filter_map(|i| i.self_score.as_ref())
                .collect::<Vec<_>>(),
        )
    });
    let methods: Vec<Method> = parts
        .methods
        .filter(|_| sheet_final)
        .and_then(|m| serde_json::from_value(m).ok())
        .unwrap_or_default();
    let sheet = ReportSheet {
        status: parts.sheet_status,
        items,
        self_total,
        team_total: result.special_score.clone(),
        methods,
        referrals: referrals
            .into_iter()
            .map(|r| ReportReferral {
                leader_name: r.leader_name,
                facts: r.facts,
                decision: r.decision,
                created_at: r.created_at,
            })
            .collect(),
    };

    let low_bands: Vec<&str> = if bands.len() > 2 {
        bands.iter().take(2).map(|b| b.name.as_str()).collect()
    } else {
        Vec::new()
    };
    let current = result.total.as_ref().map(|total| HistoryLine {
        cycle_id: cycle.id.0,
        year: cycle.year,
        current: true,
        version: None,
        status: result.status,
        total: Some(total.clone()),
        rank_in_kind: result.rank_in_kind,
        rank_overall: result.rank_overall,
        band: result.band.clone(),
        owes_rectification: result.owes_rectification,
        in_lowest_bands: result
            .band
            .as_deref()
            .is_some_and(|b| low_bands.contains(&b)),
    });
    let earlier: Vec<(i64, i32, Option<HistoryLine>)> = earlier
        .into_iter()
        .map(|row| {
            let line = row.status.map(|status| HistoryLine {
                cycle_id: row.cycle_id,
                year: row.year,
                current: false,
                version: Some(row.version),
                status,
                total: row.total.map(Points),
                rank_in_kind: row.rank_in_kind,
                rank_overall: row.rank_overall,
                band: row.band,
                owes_rectification: row.owes,
                in_lowest_bands: row.low_band,
            });
            (row.cycle_id, row.year, line)
        })
        .collect();
    let mut sequence: Vec<(i64, i32, Option<&HistoryLine>)> = earlier
        .iter()
        .map(|(id, year, line)| (*id, *year, line.as_ref()))
        .collect();
    if let Some(line) = &current {
        sequence.push((line.cycle_id, line.year, Some(line)));
    }
    let warning = warning_of(&sequence);
    let history: Vec<HistoryLine> = earlier
        .into_iter()
        .filter_map(|(_, _, line)| line)
        .chain(current)
        .collect();

    let team = match (parts.team_name, parts.team_leader) {
        (Some(name), Some(leader_name)) => Some(ReportTeam { name, leader_name }),
        _ => None,
    };
    let team_report = parts.report_status.map(|status| ReportTeamReport {
        status,
        overall_evaluation: parts.overall_evaluation,
        problems_found: parts.problems_found,
        rectification_advice: parts.rectification_advice,
        submitted_at: parts.report_submitted_at,
        late: parts.report_late.unwrap_or(false),
    });
    let routine = ReportRoutine {
        score: result.routine_score.clone(),
        note: parts.routine_note,
        visit: parts.visit_status.map(|status| ReportVisit {
            status,
            visited_on: parts.visited_on,
            findings: parts.findings,
        }),
    };
    let rectification = match (parts.rect_status, parts.rect_due_on) {
        (Some(status), Some(due_on)) => Some(ReportRectification {
            status,
            due_on,
            late: parts.rect_late.unwrap_or(false),
            overdue: is_overdue(status, due_on, now),
            submitted_at: parts.rect_submitted_at,
            accepted_at: parts.rect_accepted_at,
        }),
        _ => None,
    };
    Ok(UnitReport {
        cycle_id: cycle.id.0,
        year: cycle.year,
        state: cycle.state,
        as_of: now,
        unit_id: unit_id.0,
        unit_name: result.unit_name.clone(),
        unit_kind: result.unit_kind,
        team,
        result,
        sheet,
        team_report,
        routine,
        rectification,
        history,
        warning,
    })
}

/// A decimal cell, or an empty one.
fn number(points: Option<&Points>) -> Cell {
    points.map_or(Cell::Empty, |p| Cell::Number(Amount(p.0.clone())))
}

/// A count cell, or an empty one.
fn count(n: Option<i64>) -> Cell {
    n.map_or(Cell::Empty, Cell::Count)
}

fn yes_no(value: Option<bool>) -> Cell {
    match value {
        Some(true) => Cell::from("是"),
        Some(false) => Cell::from("否"),
        None => Cell::Empty,
    }
}

/// A deduction in words: `[1.2-R1] 未专题研究：1.50分×2＝3.00分（理由）`.
fn deduction_words(d: &ReportDeduction) -> String {
    let mut words = String::new();
    if let Some(code) = &d.rule_code {
        words.push_str(&format!("[{code}] "));
    }
    if let Some(rule) = &d.rule_grounds {
        words.push_str(rule);
        words.push('：');
    }
    if d.occurrences > 1 {
        words.push_str(&format!("{}分×{}＝{}分", d.points, d.occurrences, d.amount));
    } else {
        words.push_str(&format!("扣{}分", d.amount));
    }
    if let Some(grounds) = &d.grounds {
        words.push_str(&format!("（{grounds}）"));
    }
    words
}

impl UnitReport {
    /// The report as three tables: the items (评分明细), the year-over-year line with a line
    /// chart of the totals (历年结果), and the summary (基本情况).
    pub fn document(&self, county: &str) -> Document {
        let mut items: Vec<Vec<Cell>> = self
            .sheet
            .items
            .iter()
            .map(|i| {
                let deductions: Vec<String> = i.deductions.iter().map(deduction_words).collect();
                vec![
                    Cell::from(i.item_code.as_str()),
                    Cell::from(i.title.as_str()),
                    Cell::Count(i64::from(i.content_area)),
                    number(Some(&i.max_points)),
                    number(i.self_score.as_ref()),
                    number(i.points.as_ref()),
                    number(i.lost_points.as_ref()),
                    Cell::Text(deductions.join("；")),
                    i.evidence_notes.as_deref().map_or(Cell::Empty, Cell::from),
                ]
            })
            .collect();
        let max_total = Points::sum(self.sheet.items.iter().map(|i| &i.max_points));
        items.push(vec![
            Cell::from("合计"),
            Cell::Empty,
            Cell::Empty,
            number(Some(&max_total)),
            number(self.sheet.self_total.as_ref()),
            number(self.sheet.team_total.as_ref()),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]);
        let history = self
            .history
            .iter()
            .map(|h| {
                let source = match h.version {
                    Some(v) => format!("第{v}版通报"),
                    None => "本年度".to_owned(),
                };
                vec![
                    Cell::Count(i64::from(h.year)),
                    number(h.total.as_ref()),
                    count(h.rank_in_kind),
                    count(h.rank_overall),
                    h.band.as_deref().map_or(Cell::Empty, Cell::from),
                    yes_no(h.owes_rectification),
                    yes_no(Some(h.in_lowest_bands)),
                    Cell::Text(source),
                ]
            })
            .collect();
        Document {
            title: format!(
                "{}　{}考核情况",
                crate::ops::reports::heading_of(county, self.year),
                self.unit_name
            ),
            file_stem: format!("{county}{}年度{}考核情况", self.year, self.unit_name),
            as_of: self.as_of,
            sheets: vec![
                Sheet {
                    name: "评分明细".to_owned(),
                    headers: [
                        "项目编号",
                        "考评项目",
                        "考核内容",
                        "分值",
                        "自评得分",
                        "考核组评分",
                        "扣分",
                        "扣分情况及依据",
                        "佐证说明",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    widths: vec![8.0, 40.0, 8.0, 8.0, 10.0, 10.0, 8.0, 50.0, 30.0],
                    rows: items,
                    chart: None,
                },
                Sheet {
                    name: "历年结果".to_owned(),
                    headers: [
                        "年度",
                        "年度总分",
                        "类别内排名",
                        "总排名",
                        "档次",
                        "整改线（含）以下",
                        "最低两个档次",
                        "来源",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    widths: vec![8.0, 10.0, 10.0, 8.0, 10.0, 12.0, 12.0, 12.0],
                    rows: history,
                    chart: Some(ChartSpec {
                        kind: ChartKind::Line,
                        title: "历年年度总分".to_owned(),
                        value_axis: "年度总分".to_owned(),
                        categories: 0,
                        series: vec![1],
                    }),
                },
                Sheet {
                    name: "基本情况".to_owned(),
                    headers: ["项目", "内容"].map(str::to_owned).to_vec(),
                    widths: vec![20.0, 80.0],
                    rows: self.summary_rows(),
                    chart: None,
                },
            ],
        }
    }

    /// The summary as rows of a name and its value.
    fn summary_rows(&self) -> Vec<Vec<Cell>> {
        let r = &self.result;
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut put = |name: &str, value: Cell| rows.push(vec![Cell::from(name), value]);
        let text = |t: &Option<String>| t.as_deref().map_or(Cell::Empty, Cell::from);
        put("单位", Cell::from(self.unit_name.as_str()));
        put(
            "单位类型",
            Cell::from(zh_label(UnitKind::LABELS, self.unit_kind.as_str())),
        );
        put(
            "考核组",
            self.team.as_ref().map_or(Cell::Empty, |t| {
                Cell::Text(format!("{}（组长：{}）", t.name, t.leader_name))
            }),
        );
        put(
            "结果状态",
            Cell::from(zh_label(ResultStatus::LABELS, r.status.as_str())),
        );
        put("专项考核得分", number(r.special_score.as_ref()));
        put("日常考核得分", number(r.routine_score.as_ref()));
        put("年度总分", number(r.total.as_ref()));
        put("类别内排名", count(r.rank_in_kind));
        put("总排名", count(r.rank_overall));
        put("档次", text(&r.band));
        put("整改线（含）以下", yes_no(r.owes_rectification));
        put("一票否决", yes_no(Some(r.vetoed)));
        put("自评总分", number(self.sheet.self_total.as_ref()));
        put(
            "评分表状态",
            self.sheet.status.map_or(Cell::from("尚未评分"), |s| {
                Cell::from(zh_label(SheetStatus::LABELS, s.as_str()))
            }),
        );
        let methods: Vec<&str> = self
            .sheet
            .methods
            .iter()
            .map(|m| zh_label(Method::LABELS, m.as_str()))
            .collect();
        put("考核方式", Cell::Text(methods.join("、")));
        if self.sheet.referrals.is_empty() {
            put("移交“公述民评”", Cell::from("无"));
        }
        for referral in &self.sheet.referrals {
            let who = referral
                .leader_name
                .as_deref()
                .map_or(String::new(), |n| format!("{n}："));
            put(
                "移交“公述民评”",
                Cell::Text(format!("{who}{}（{}）", referral.facts, referral.decision)),
            );
        }
        match &self.team_report {
            None => put("考核报告", Cell::from("尚未撰写")),
            Some(report) => {
                put(
                    "考核报告状态",
                    Cell::from(zh_label(SheetStatus::LABELS, report.status.as_str())),
                );
                put("总体评价", text(&report.overall_evaluation));
                put("存在问题", text(&report.problems_found));
                put("整改建议", text(&report.rectification_advice));
            }
        }
        put("日常考核说明", text(&self.routine.note));
        if let Some(visit) = &self.routine.visit {
            put(
                "走访日期",
                visit
                    .visited_on
                    .map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
            );
            put("走访发现", text(&visit.findings));
        }
        if let Some(grades) = &r.leader_grades {
            for grade in grades {
                put(
                    "班子成员评定等次",
                    Cell::Text(format!(
                        "{}：{}",
                        grade.leader_name,
                        zh_label(Grade::LABELS, grade.grade.as_str())
                    )),
                );
            }
        }
        match &self.rectification {
            None => put("整改", Cell::from("无需整改")),
            Some(rect) => {
                put(
                    "整改状态",
                    Cell::from(zh_label(RectificationStatus::LABELS, rect.status.as_str())),
                );
                put("整改截止日期", Cell::Text(rect.due_on.to_string()));
                put("逾期提交", yes_no(Some(rect.late)));
                put("已逾期未完成", yes_no(Some(rect.overdue)));
            }
        }
        put(
            "连续两年预警",
            self.warning
                .as_ref()
                .map_or(Cell::from("无"), |w| Cell::from(w.message.as_str())),
        );
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(year: i32, owes: bool, low: bool) -> HistoryLine {
        HistoryLine {
            cycle_id: i64::from(year - 2008),
            year,
            current: false,
            version: Some(1),
            status: ResultStatus::Complete,
            total: Some(Points::whole(70)),
            rank_in_kind: Some(1),
            rank_overall: Some(1),
            band: Some("一般".to_owned()),
            owes_rectification: Some(owes),
            in_lowest_bands: low,
        }
    }

    #[test]
    fn two_weak_cycles_running_warn_and_a_gap_or_a_good_year_does_not() {
        let (a, b, good) = (
            line(2012, true, false),
            line(2013, false, true),
            line(2014, false, false),
        );
        let warned = warning_of(&[(4, 2012, Some(&a)), (5, 2013, Some(&b))]).expect("warning");
        assert_eq!(warned.years, [2012, 2013]);
        assert!(
            warned.message.contains("2012年 70.00分"),
            "{}",
            warned.message
        );
        assert!(warning_of(&[(4, 2012, Some(&a)), (5, 2013, None)]).is_none());
        assert!(warning_of(&[(4, 2012, Some(&a)), (5, 2013, None), (6, 2014, Some(&b))]).is_none());
        assert!(warning_of(&[(5, 2013, Some(&b)), (6, 2014, Some(&good))]).is_none());
        assert!(warning_of(&[(5, 2013, Some(&b))]).is_none());
    }
}
