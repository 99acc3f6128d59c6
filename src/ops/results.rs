//! A cycle's results (issue 15; plan §4, §5): each assessed unit's special score (the total of
//! its final signed sheet, out of 100), routine score (out of 10), total (special ×
//! w_special/100 + routine × w_routine/10, rounded half-up to two decimals in the database
//! before anything uses it), whether it owes rectification (total at or below the line), its
//! competition ranks (1, 1, 3) within its kind and overall, its grade band (capped by a veto),
//! and its leaders' final grades; beside them the vertical units' fallback results, never
//! ranked.
//!
//! [`for_cycle`] is a plain function over a connection, free of callers' rules, so that
//! publication can store what it returns; it runs a fixed number of statements whatever the
//! county's size (one for the ranked units, with window functions). [`list`] and [`get`] apply
//! who sees what (DOMAIN.md, "What is not yet published").

use std::collections::HashMap;

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Numeric, Text};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{AuthUser, Role, scope};
use crate::domain::evaluation::Grade;
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::error::ApiError;
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::FallbackSource;
use crate::models::publication::Publication;
use crate::models::result::{FallbackResult, GradeBand, PublicationScope, ResultSettings};
use crate::models::{CycleId, LeaderId, UnitId, UnitKind};
use crate::ops::cycles::find_cycle;
use crate::schema::{fallback_results, leader_grades, units};

crate::text_enum! {
    /// 结果状态 (whether a unit's result is a number).
    pub enum ResultStatus {
        /// 已得出总分 (complete: final sheet and routine score)
        Complete => "complete",
        /// 缺少材料，无总分 (incomplete: listed with what is missing, no number, no rank)
        Incomplete => "incomplete",
        /// 垂直管理单位的替代结果 (a vertical unit's fallback result, never ranked)
        Fallback => "fallback",
    }
}

crate::text_enum! {
    /// 结果缺少的材料 (what a unit's result still lacks).
    pub enum MissingPiece {
        /// 考核评分表未定稿 (the score sheet is not final)
        SheetNotFinal => "sheet_not_final",
        /// 未录入日常考核得分 (no routine score)
        RoutineScoreMissing => "routine_score_missing",
    }
}

/// 班子成员的最终档次 (a leader's final grade).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LeaderGradeResult {
    /// The leader.
    pub leader_id: LeaderId,
    /// Their name when graded.
    #[schema(example = "李明")]
    pub leader_name: String,
    /// The final grade.
    pub grade: Grade,
}

/// 替代结果的来源 (where a vertical unit's fallback result comes from).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FallbackInfo {
    /// `self_score` or `superior_assessment`.
    pub source: FallbackSource,
    /// The document it comes from.
    #[schema(example = "市国税局阳国税发〔2014〕12号")]
    pub document_ref: String,
}

/// 单位的考核结果 (one unit's result).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UnitResult {
    /// The unit.
    pub unit_id: UnitId,
    /// Its name.
    #[schema(example = "阳城镇")]
    pub unit_name: String,
    /// Its kind.
    pub unit_kind: UnitKind,
    /// `complete`, `incomplete` (see `missing`) or `fallback` (a vertical unit).
    pub status: ResultStatus,
    /// What is missing, when `incomplete`.
    pub missing: Vec<MissingPiece>,
    /// 专项考核得分: the total of the final signed sheet, out of 100.
    #[schema(value_type = Option<String>, example = "88.50")]
    pub special_score: Option<Points>,
    /// 日常考核得分, out of 10.
    #[schema(value_type = Option<String>, example = "9.50")]
    pub routine_score: Option<Points>,
    /// 年度总分, rounded half-up to two decimals (a fallback's value for a vertical unit).
    #[schema(value_type = Option<String>, example = "89.15")]
    pub total: Option<Points>,
    /// Whether it owes a written explanation and a rectification plan (total at or below the
    /// cycle's line); none without a ranked total.
    pub owes_rectification: Option<bool>,
    /// Competition rank among the units of its kind (1, 1, 3).
    #[schema(example = 1)]
    pub rank_in_kind: Option<i64>,
    /// Competition rank among all ranked units.
    #[schema(example = 2)]
    pub rank_overall: Option<i64>,
    /// Its grade band (档次), where the cycle has bands.
    #[schema(example = "优秀")]
    pub band: Option<String>,
    /// Whether a veto (一票否决) applies: the cycle enables it and an event is recorded.
    pub vetoed: bool,
    /// Whether the veto lowered the band to the cycle's cap.
    pub band_capped: bool,
    /// Its leaders' final grades; absent where the caller may not see them.
    pub leader_grades: Option<Vec<LeaderGradeResult>>,
    /// A vertical unit's fallback: its source and document.
    pub fallback: Option<FallbackInfo>,
}

/// 档次 (a grade band).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BandView {
    /// Its name.
    #[schema(example = "优秀")]
    pub name: String,
    /// The lowest total in it; it reaches up to the next band's.
    #[schema(value_type = String, example = "90.00")]
    pub lower_bound: Points,
}

/// 垂直管理单位的替代结果 (a vertical unit's fallback result).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FallbackView {
    /// The cycle.
    pub cycle_id: CycleId,
    /// The unit.
    pub unit_id: UnitId,
    /// Its name.
    #[schema(example = "阳山县国家税务局")]
    pub unit_name: String,
    /// The value, out of 100.
    #[schema(value_type = String, example = "86.00")]
    pub value: Points,
    /// `self_score` or `superior_assessment`.
    pub source: FallbackSource,
    /// The document it comes from.
    #[schema(example = "市国税局阳国税发〔2014〕12号")]
    pub document_ref: String,
    /// Its version (the `ETag`).
    pub version: i32,
    /// Who set it.
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
}

/// Everything of a cycle's results, as publication will store it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CycleResults {
    /// The cycle.
    pub cycle_id: CycleId,
    /// w_special.
    #[schema(value_type = String)]
    pub special_weight: Points,
    /// w_routine.
    #[schema(value_type = String)]
    pub routine_weight: Points,
    /// The rectification line (inclusive).
    #[schema(value_type = String)]
    pub rectification_line: Points,
    /// The grade bands, lowest first.
    pub bands: Vec<BandView>,
    /// The assessed units: ranked ones by rank, then the incomplete ones.
    pub units: Vec<UnitResult>,
    /// The vertical units' fallback results, apart.
    pub fallbacks: Vec<FallbackView>,
}

/// Which units [`for_cycle`] returns; ranks are always among all of the cycle's units.
#[derive(Debug, Clone, Default)]
pub struct ResultFilter {
    /// Only units of this kind.
    pub kind: Option<UnitKind>,
    /// Only these units.
    pub only: Option<Vec<UnitId>>,
    /// Leave the leaders' grades out (`leader_grades` none), for the tables that never show
    /// them (the ranking, the exports, the report to the county committee): a province's
    /// published ranking then reads no grade at all.
    pub without_grades: bool,
}

impl ResultFilter {
    /// Every unit, without the leaders' grades.
    pub fn without_grades() -> Self {
        Self {
            without_grades: true,
            ..Self::default()
        }
    }
}

/// 403 `not_published`: a unit's own result, sheet or report before publication.
pub fn not_published() -> ApiError {
    ApiError::Withheld {
        code: "not_published",
        detail: "the unit's results are shown to it once the cycle is published".to_owned(),
    }
}

/// Whether the cycle's results are published (or archived after publication).
pub fn published(cycle: &Cycle) -> bool {
    matches!(cycle.state, CycleState::Published | CycleState::Archived)
}

/// One ranked or incomplete unit, as the statement computes it.
#[derive(QueryableByName)]
struct RankedRow {
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    unit_name: String,
    #[diesel(sql_type = Text)]
    unit_kind: UnitKind,
    #[diesel(sql_type = Nullable<Numeric>)]
    special: Option<BigDecimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    routine: Option<BigDecimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    total: Option<BigDecimal>,
    #[diesel(sql_type = Nullable<Bool>)]
    owes: Option<bool>,
    #[diesel(sql_type = Nullable<BigInt>)]
    rank_in_kind: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    rank_overall: Option<i64>,
    #[diesel(sql_type = Bool)]
    vetoed: bool,
}

/// The ranked units in one statement. A sheet counts only when `final` (an untouched item
/// counts at its maximum on a sheet, so an open sheet must never give a total); the total is
/// rounded in the database (`round` on `numeric` is half away from zero: half-up here); ranks
/// are computed over every assessed unit with a total, before the filter.
///
/// Each assessed unit's special score is one aggregate over one chain of outer joins from
/// `cycle_units`, each joined by an index, and no aggregate is joined to another: so the plan
/// stays linear in the units whatever the planner believes of the tables' sizes. Right after a
/// bulk load, before autovacuum's ANALYZE, the planner takes the tables for empty; a join of
/// the grouped sheets with the units was then re-aggregated for every unit, 15 s for 2,000
/// units instead of 0.1 s (tests/api/results.rs loads 2,000 units and reads them at once).
const RANKED: &str = "
WITH c AS (
    SELECT special_weight, routine_weight, rectification_line
      FROM assessment_cycles WHERE id = $1
), special AS (
    SELECT cu.unit_id,
           CASE WHEN count(fi.code) > 0 THEN sum(coalesce(ri.points, fi.max_points)) END
               AS score
      FROM cycle_units cu
      LEFT JOIN scoring_records sr
             ON sr.cycle_id = cu.cycle_id AND sr.unit_id = cu.unit_id AND sr.status = 'final'
      LEFT JOIN scoring_forms sf
             ON sr.id IS NOT NULL AND sf.cycle_id = cu.cycle_id AND sf.form_kind = cu.form_kind
      LEFT JOIN form_items fi ON fi.form_id = sf.id
      LEFT JOIN record_items ri ON ri.record_id = sr.id AND ri.item_code = fi.code
     WHERE cu.cycle_id = $1 AND cu.status = 'assessed'
     GROUP BY cu.unit_id
), scored AS (
    SELECT s.unit_id, u.name, u.kind, s.score AS special, r.score AS routine,
           round(s.score * c.special_weight / 100 + r.score * c.routine_weight / 10, 2)
               AS total,
           c.rectification_line,
           EXISTS (SELECT 1 FROM veto_events v
                    WHERE v.cycle_id = $1 AND v.unit_id = s.unit_id) AS vetoed
      FROM special s CROSS JOIN c
      JOIN units u ON u.id = s.unit_id
      LEFT JOIN routine_scores r ON r.cycle_id = $1 AND r.unit_id = s.unit_id
), ranked AS (
    SELECT unit_id, name, kind, special, routine, total, vetoed,
           CASE WHEN total IS NOT NULL THEN total <= rectification_line END AS owes,
           CASE WHEN total IS NOT NULL THEN
               rank() OVER (PARTITION BY kind, total IS NULL ORDER BY total DESC) END
               AS rank_in_kind,
           CASE WHEN total IS NOT NULL THEN
               rank() OVER (PARTITION BY total IS NULL ORDER BY total DESC) END
               AS rank_overall
      FROM scored
)
SELECT unit_id, name AS unit_name, kind AS unit_kind, special, routine, total, owes,
       rank_in_kind, rank_overall, vetoed
  FROM ranked
 WHERE ($2::text IS NULL OR kind = $2) AND ($3::bigint[] IS NULL OR unit_id = ANY ($3))
 ORDER BY total DESC NULLS LAST, unit_id";

/// The band of `total`: the highest whose lower bound it reaches; a veto caps it at
/// `cap` (a band's name). Returns the band and whether the cap lowered it.
fn band_of(bands: &[GradeBand], total: &BigDecimal, cap: Option<&str>) -> (Option<String>, bool) {
    let Some(band) = bands.iter().rev().find(|b| &b.lower_bound <= total) else {
        return (None, false);
    };
    match cap.and_then(|name| bands.iter().find(|b| b.name == name)) {
        Some(cap) if cap.lower_bound < band.lower_bound => (Some(cap.name.clone()), true),
        _ => (Some(band.name.clone()), false),
    }
}

/// The cycle's results as they stand: those of its latest publication while it is published
/// (or archived), read from the snapshot (nothing that changes a result can be written then),
/// or else computed ([`compute`]). Every assessed unit `filter` keeps, ranked among all, with
/// its band and its leaders' grades (all of them: callers hide what a reader may not see), and
/// the vertical units' fallbacks. Six statements at most whatever the county's size.
pub fn for_cycle(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    filter: &ResultFilter,
) -> Result<CycleResults, ApiError> {
    let cycle = Cycle::find(conn, cycle_id)?;
    if let Some(publication) = latest_publication(conn, &cycle)? {
        let bands = GradeBand::for_cycle(conn, cycle_id)?;
        let (units, _) = published_units(conn, &publication, filter, None)?;
        let fallbacks = fallbacks(conn, cycle_id, filter)?;
        return Ok(assemble(&cycle, bands, units, fallbacks));
    }
    Ok(computed(conn, &cycle, filter)?)
}

/// The units `filter` keeps of `publication`'s snapshot, one `window` of them (offset, limit)
/// or all, as results, and how many it keeps in all.
fn published_units(
    conn: &mut PgConnection,
    publication: &Publication,
    filter: &ResultFilter,
    window: Option<(i64, i64)>,
) -> Result<(Vec<UnitResult>, i64), ApiError> {
    let (rows, total) = Publication::units_window(
        conn,
        publication.id,
        filter.kind,
        filter.only.as_deref(),
        window,
        !filter.without_grades,
    )?;
    let units = rows
        .into_iter()
        .map(crate::ops::snapshots::unit_result)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((units, total))
}

/// The publication a published (or archived) cycle's results are read from.
fn latest_publication(conn: &mut PgConnection, cycle: &Cycle) -> QueryResult<Option<Publication>> {
    if !published(cycle) {
        return Ok(None);
    }
    Publication::latest(conn, cycle.id)
}

/// The cycle's results computed from its sheets, routine scores, grades, bands, vetoes and
/// fallbacks now, whatever its state: what publication stores. Six statements whatever the
/// county's size.
pub fn compute(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    filter: &ResultFilter,
) -> QueryResult<CycleResults> {
    let cycle = Cycle::find(conn, cycle_id)?;
    computed(conn, &cycle, filter)
}

fn computed(
    conn: &mut PgConnection,
    cycle: &Cycle,
    filter: &ResultFilter,
) -> QueryResult<CycleResults> {
    let cycle_id = cycle.id;
    let settings = ResultSettings::find(conn, cycle_id, false)?;
    let bands = GradeBand::for_cycle(conn, cycle_id)?;
    let rows: Vec<RankedRow> = diesel::sql_query(RANKED)
        .bind::<BigInt, _>(cycle_id.0)
        .bind::<Nullable<Text>, _>(filter.kind.map(UnitKind::as_str))
        .bind::<Nullable<Array<BigInt>>, _>(
            filter
                .only
                .as_ref()
                .map(|ids| ids.iter().map(|id| id.0).collect::<Vec<i64>>()),
        )
        .load(conn)?;
    let mut grades: HashMap<UnitId, Vec<LeaderGradeResult>> = HashMap::new();
    let graded: Vec<(UnitId, LeaderId, String, Grade)> = if filter.without_grades {
        Vec::new()
    } else {
        leader_grades::table
            .filter(leader_grades::cycle_id.eq(cycle_id))
            .order((leader_grades::unit_id, leader_grades::leader_id))
            .select((
                leader_grades::unit_id,
                leader_grades::leader_id,
                leader_grades::leader_name,
                leader_grades::grade,
            ))
            .load(conn)?
    };
    for (unit_id, leader_id, leader_name, grade) in graded {
        grades.entry(unit_id).or_default().push(LeaderGradeResult {
            leader_id,
            leader_name,
            grade,
        });
    }
    let cap = settings
        .veto_enabled
        .then_some(settings.veto_band.as_deref())
        .flatten();
    let units = rows
        .into_iter()
        .map(|row| {
            let unit_id = UnitId(row.unit_id);
            let vetoed = settings.veto_enabled && row.vetoed;
            let (band, band_capped) = match &row.total {
                Some(total) => band_of(&bands, total, cap.filter(|_| vetoed)),
                None => (None, false),
            };
            let mut missing = Vec::new();
            if row.special.is_none() {
                missing.push(MissingPiece::SheetNotFinal);
            }
            if row.routine.is_none() {
                missing.push(MissingPiece::RoutineScoreMissing);
            }
            UnitResult {
                unit_id,
                unit_name: row.unit_name,
                unit_kind: row.unit_kind,
                status: if missing.is_empty() {
                    ResultStatus::Complete
                } else {
                    ResultStatus::Incomplete
                },
                missing,
                special_score: row.special.map(Points),
                routine_score: row.routine.map(Points),
                total: row.total.map(Points),
                owes_rectification: row.owes,
                rank_in_kind: row.rank_in_kind,
                rank_overall: row.rank_overall,
                band,
                vetoed,
                band_capped,
                leader_grades: (!filter.without_grades)
                    .then(|| grades.remove(&unit_id).unwrap_or_default()),
                fallback: None,
            }
        })
        .collect();
    let fallbacks = fallbacks(conn, cycle_id, filter)?;
    Ok(assemble(cycle, bands, units, fallbacks))
}

/// The vertical units' fallbacks `filter` keeps (never ranked; frozen once published).
fn fallbacks(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    filter: &ResultFilter,
) -> QueryResult<Vec<FallbackView>> {
    let mut fallbacks_query = fallback_results::table
        .inner_join(units::table.on(units::id.eq(fallback_results::unit_id)))
        .filter(fallback_results::cycle_id.eq(cycle_id))
        .into_boxed();
    if let Some(only) = &filter.only {
        fallbacks_query = fallbacks_query.filter(fallback_results::unit_id.eq_any(only.clone()));
    }
    let fallbacks: Vec<(FallbackResult, String)> = fallbacks_query
        .order(fallback_results::unit_id.asc())
        .select((FallbackResult::as_select(), units::name))
        .load(conn)?;
    Ok(fallbacks
        .into_iter()
        .map(|(f, name)| fallback_view(f, name))
        .collect())
}

fn assemble(
    cycle: &Cycle,
    bands: Vec<GradeBand>,
    units: Vec<UnitResult>,
    fallbacks: Vec<FallbackView>,
) -> CycleResults {
    CycleResults {
        cycle_id: cycle.id,
        special_weight: Points(cycle.special_weight.clone()),
        routine_weight: Points(cycle.routine_weight.clone()),
        rectification_line: Points(cycle.rectification_line.clone()),
        bands: bands
            .into_iter()
            .map(|b| BandView {
                name: b.name,
                lower_bound: Points(b.lower_bound),
            })
            .collect(),
        units,
        fallbacks,
    }
}

/// A fallback row as the API shows it.
pub fn fallback_view(f: FallbackResult, unit_name: String) -> FallbackView {
    FallbackView {
        cycle_id: f.cycle_id,
        unit_id: f.unit_id,
        unit_name,
        value: Points(f.value),
        source: f.source,
        document_ref: f.document_ref,
        version: f.version,
        updated_by: f.updated_by,
        updated_at: f.updated_at,
    }
}

/// One unit's result: its ranked (or incomplete) result, or a vertical unit's fallback as a
/// result of status `fallback`; none when the cycle has neither for it.
pub fn for_unit(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<Option<UnitResult>, ApiError> {
    let filter = ResultFilter {
        only: Some(vec![unit_id]),
        ..ResultFilter::default()
    };
    let mut results = for_cycle(conn, cycle_id, &filter)?;
    if let Some(unit) = results.units.pop() {
        return Ok(Some(unit));
    }
    Ok(results.fallbacks.pop().map(UnitResult::from))
}

/// What the caller sees of a unit's leader grades in the results: the office and the unit's
/// team always (they read the grades anyway), the unit its own where the cycle's publication
/// grants it, nobody else.
fn hide_grades(user: &AuthUser, settings: &ResultSettings, result: &mut UnitResult) {
    let sees = match user.role {
        Role::Office | Role::Inspector => true,
        Role::Unit => user.unit_id == Some(result.unit_id) && settings.units_see_leader_grades,
    };
    if !sees {
        result.leader_grades = None;
    }
}

fn hidden(cycle_id: CycleId) -> ApiError {
    ApiError::not_found(format!(
        "no results of cycle {cycle_id} in the caller's scope"
    ))
}

/// The cycle's ranked units the caller may see, by rank: the office all of them at any time;
/// after publication a unit its own plus what the publication scope grants, an inspector its
/// teams' units. Before publication a unit gets 403 `not_published` and an inspector 404.
/// `window` (offset, limit) takes one page of them; the count is of all of them. A published
/// cycle's page is read from its snapshot by index, so a page costs the same for 20,000 units
/// as for 80.
pub fn list(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    kind: Option<UnitKind>,
    window: Option<(i64, i64)>,
) -> Result<(Vec<UnitResult>, i64), ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let settings = ResultSettings::find(conn, cycle_id, false)?;
    let is_published = published(&cycle);
    let only = match user.role {
        Role::Office => None,
        Role::Unit if !is_published => return Err(not_published()),
        Role::Inspector if !is_published => return Err(hidden(cycle_id)),
        Role::Unit => match settings.publication_scope {
            PublicationScope::Own => Some(user.unit_id.into_iter().collect()),
            PublicationScope::Kind | PublicationScope::All => None,
        },
        Role::Inspector => Some(scope::inspected_in_cycle(conn, &user.sub, cycle_id)?),
    };
    // A unit shown the ranking of its kind: its own kind only (its own unit is of it).
    let kind = if user.role == Role::Unit && settings.publication_scope == PublicationScope::Kind {
        let own_kind: Option<UnitKind> = match user.unit_id {
            Some(id) => units::table
                .find(id)
                .select(units::kind)
                .first(conn)
                .optional()?,
            None => None,
        };
        match (own_kind, kind) {
            (Some(own), Some(asked)) if own != asked => return Ok((Vec::new(), 0)),
            (Some(own), _) => Some(own),
            (None, _) => return Ok((Vec::new(), 0)),
        }
    } else {
        kind
    };
    let filter = ResultFilter {
        kind,
        only,
        ..ResultFilter::default()
    };
    let (mut units, total) = match latest_publication(conn, &cycle)? {
        Some(publication) => published_units(conn, &publication, &filter, window)?,
        None => {
            let all = computed(conn, &cycle, &filter)?.units;
            let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
            let units = match window {
                Some((offset, limit)) => all
                    .into_iter()
                    .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                    .take(usize::try_from(limit).unwrap_or(0))
                    .collect(),
                None => all,
            };
            (units, total)
        }
    };
    for unit in &mut units {
        hide_grades(user, &settings, unit);
    }
    Ok((units, total))
}

/// One unit's result for the caller: the office's at any time; the unit's own after
/// publication (403 `not_published` before); another unit's to a unit only where the
/// publication scope shows it; an inspector's team's units after publication; 404 otherwise.
pub fn get(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<UnitResult, ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let settings = ResultSettings::find(conn, cycle_id, false)?;
    let is_published = published(&cycle);
    let not_found =
        || ApiError::not_found(format!("no result of unit {unit_id} in the caller's scope"));
    let own = user.role == Role::Unit && user.unit_id == Some(unit_id);
    let visible = match user.role {
        Role::Office => true,
        Role::Unit if own => {
            if !is_published {
                return Err(not_published());
            }
            true
        }
        _ if !is_published => false,
        Role::Unit => match settings.publication_scope {
            PublicationScope::Own => false,
            PublicationScope::All => true,
            PublicationScope::Kind => {
                let kinds: Vec<(UnitId, UnitKind)> = units::table
                    .filter(units::id.eq_any([Some(unit_id), user.unit_id].into_iter().flatten()))
                    .select((units::id, units::kind))
                    .load(conn)?;
                let kind_of = |id| kinds.iter().find(|(u, _)| *u == id).map(|(_, k)| *k);
                kind_of(unit_id).is_some() && kind_of(unit_id) == user.unit_id.and_then(kind_of)
            }
        },
        Role::Inspector => scope::inspects_in_cycle(conn, &user.sub, cycle_id, unit_id)?,
    };
    if !visible {
        return Err(not_found());
    }
    let mut result = for_unit(conn, cycle_id, unit_id)?.ok_or_else(not_found)?;
    // A unit sees another's fallback only with the full ranking.
    if result.status == ResultStatus::Fallback
        && user.role == Role::Unit
        && !own
        && settings.publication_scope != PublicationScope::All
    {
        return Err(not_found());
    }
    hide_grades(user, &settings, &mut result);
    Ok(result)
}

/// A vertical unit's fallback as a result of status `fallback`: never ranked, no line.
impl From<FallbackView> for UnitResult {
    fn from(f: FallbackView) -> Self {
        UnitResult {
            unit_id: f.unit_id,
            unit_name: f.unit_name,
            unit_kind: UnitKind::Vertical,
            status: ResultStatus::Fallback,
            missing: Vec::new(),
            special_score: None,
            routine_score: None,
            total: Some(f.value),
            owes_rectification: None,
            rank_in_kind: None,
            rank_overall: None,
            band: None,
            vetoed: false,
            band_capped: false,
            leader_grades: None,
            fallback: Some(FallbackInfo {
                source: f.source,
                document_ref: f.document_ref,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn bands() -> Vec<GradeBand> {
        [
            ("较差", "0"),
            ("一般", "60"),
            ("良好", "80"),
            ("优秀", "90"),
        ]
        .into_iter()
        .map(|(name, lower)| GradeBand {
            cycle_id: CycleId(1),
            name: name.to_owned(),
            lower_bound: BigDecimal::from_str(lower).expect("decimal"),
        })
        .collect()
    }

    fn dec(s: &str) -> BigDecimal {
        BigDecimal::from_str(s).expect("decimal")
    }

    #[test]
    fn a_total_falls_in_the_highest_band_it_reaches() {
        let b = bands();
        assert_eq!(
            band_of(&b, &dec("90.00"), None),
            (Some("优秀".into()), false)
        );
        assert_eq!(
            band_of(&b, &dec("89.99"), None),
            (Some("良好".into()), false)
        );
        assert_eq!(band_of(&b, &dec("0"), None), (Some("较差".into()), false));
        assert_eq!(band_of(&[], &dec("95"), None), (None, false));
    }

    #[test]
    fn a_veto_caps_the_band_and_never_raises_it() {
        let b = bands();
        assert_eq!(
            band_of(&b, &dec("95.00"), Some("一般")),
            (Some("一般".into()), true)
        );
        assert_eq!(
            band_of(&b, &dec("50.00"), Some("一般")),
            (Some("较差".into()), false)
        );
    }
}
