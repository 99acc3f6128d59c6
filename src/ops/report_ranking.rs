//! The reports that stand on a cycle's results (issue 16 §2, §7; plan §5): the ranking table in
//! the layout the county circulates (by kind and overall), and the exports for the other
//! assessments: the Party-building assessment (plan §5(四)) and the 公述民评 group, with the
//! referrals the teams recorded on the score sheets.
//!
//! Every number comes from `ops::results` (`for_cycle`, or `list` for who sees what), so each
//! equals `GET …/results`; each read runs a fixed number of statements whatever the county's
//! size. Leader grades are not part of these tables.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{AuthUser, Role, scope};
use crate::domain::calendar::china;
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::error::ApiError;
use crate::models::CycleId;
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::FallbackSource;
use crate::models::publication::PublicationSettings;
use crate::models::result::{FallbackResult, PublicationScope};
use crate::models::scoring::Referral;
use crate::models::unit::UnitKind;
use crate::ops::cycles::find_cycle;
use crate::ops::reports::heading_of;
use crate::ops::results::{
    self, FallbackView, MissingPiece, ResultFilter, ResultStatus, UnitResult,
};
use crate::ops::sheets::ReferralView;
use crate::reports::{Amount, Cell, ChartKind, ChartSpec, Document, Sheet, zh_label};
use crate::schema::{fallback_results, referrals, scoring_records, units};

/// A score as a report's cell: its exact decimal, or nothing.
fn score(points: Option<&Points>) -> Cell {
    points.map_or(Cell::Empty, |p| Cell::Number(Amount(p.0.clone())))
}

/// A rank as a report's cell.
fn rank(rank: Option<i64>) -> Cell {
    rank.map_or(Cell::Empty, Cell::Count)
}

/// `整改` where the unit owes a rectification, nothing otherwise.
fn rectification_mark(owes: Option<bool>) -> Cell {
    if owes == Some(true) {
        Cell::from("整改")
    } else {
        Cell::Empty
    }
}

/// `一票否决` where a veto applies (with the capped band), nothing otherwise.
fn veto_mark(vetoed: bool, band_capped: bool) -> Cell {
    match (vetoed, band_capped) {
        (true, true) => Cell::from("一票否决（档次封顶）"),
        (true, false) => Cell::from("一票否决"),
        _ => Cell::Empty,
    }
}

/// What an incomplete result lacks, in Chinese (`考核评分表未定稿、未录入日常考核得分`).
fn missing_text(missing: &[MissingPiece]) -> String {
    missing
        .iter()
        .map(|m| zh_label(MissingPiece::LABELS, m.as_str()))
        .collect::<Vec<_>>()
        .join("、")
}

fn kind_label(kind: UnitKind) -> &'static str {
    zh_label(UnitKind::LABELS, kind.as_str())
}

/// The kinds of assessed unit, in the order the county lists them.
const ASSESSED_KINDS: [UnitKind; 3] = [
    UnitKind::Town,
    UnitKind::CountyDepartment,
    UnitKind::CountyEnterprise,
];

// ---------------------------------------------------------------------------------------------
// The ranking
// ---------------------------------------------------------------------------------------------

/// One assessed unit's line of the ranking: its result as `GET …/results` gives it, without
/// the leader grades.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankingLine {
    /// The unit.
    #[schema(example = 7)]
    pub unit_id: i64,
    /// Its name.
    #[schema(example = "青莲镇")]
    pub unit_name: String,
    /// Its kind.
    pub unit_kind: UnitKind,
    /// `complete` (ranked) or `incomplete` (see `missing`; never ranked).
    pub status: ResultStatus,
    /// What an incomplete result lacks.
    pub missing: Vec<MissingPiece>,
    /// 专项考核得分, out of 100.
    #[schema(value_type = Option<String>, example = "88.50")]
    pub special_score: Option<Points>,
    /// 日常考核得分, out of 10.
    #[schema(value_type = Option<String>, example = "9.50")]
    pub routine_score: Option<Points>,
    /// 年度总分.
    #[schema(value_type = Option<String>, example = "89.15")]
    pub total: Option<Points>,
    /// Competition rank within its kind (1, 1, 3).
    #[schema(example = 1)]
    pub rank_in_kind: Option<i64>,
    /// Competition rank among all ranked units.
    #[schema(example = 2)]
    pub rank_overall: Option<i64>,
    /// Its grade band (档次), where the cycle has bands.
    #[schema(example = "良好")]
    pub band: Option<String>,
    /// Whether the veto lowered the band to the cycle's cap.
    pub band_capped: bool,
    /// Whether it owes an explanation and a rectification plan (整改).
    pub owes_rectification: Option<bool>,
    /// Whether a veto (一票否决) applies.
    pub vetoed: bool,
}

impl From<UnitResult> for RankingLine {
    fn from(r: UnitResult) -> Self {
        Self {
            unit_id: r.unit_id.0,
            unit_name: r.unit_name,
            unit_kind: r.unit_kind,
            status: r.status,
            missing: r.missing,
            special_score: r.special_score,
            routine_score: r.routine_score,
            total: r.total,
            rank_in_kind: r.rank_in_kind,
            rank_overall: r.rank_overall,
            band: r.band,
            band_capped: r.band_capped,
            owes_rectification: r.owes_rectification,
            vetoed: r.vetoed,
        }
    }
}

/// A vertical unit's fallback result, listed apart and never ranked (plan §1).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FallbackLine {
    /// The unit.
    #[schema(example = 79)]
    pub unit_id: i64,
    /// Its name.
    #[schema(example = "阳山县国家税务局")]
    pub unit_name: String,
    /// The value taken, out of 100.
    #[schema(value_type = String, example = "86.00")]
    pub value: Points,
    /// `self_score` or `superior_assessment`.
    pub source: FallbackSource,
    /// The document it comes from.
    #[schema(example = "市国税局阳国税发〔2013〕12号")]
    pub document_ref: String,
}

impl From<FallbackView> for FallbackLine {
    fn from(f: FallbackView) -> Self {
        Self {
            unit_id: f.unit_id.0,
            unit_name: f.unit_name,
            value: f.value,
            source: f.source,
            document_ref: f.document_ref,
        }
    }
}

/// 考核结果排名 (the ranking table): the results the caller may see, in the layout the county
/// circulates them (plan §4(一)3, §5).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankingReport {
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
    /// The rectification line (inclusive): a total at or below it owes 整改.
    #[schema(value_type = String, example = "75.00")]
    pub rectification_line: Points,
    /// The units the caller may see: the ranked ones by overall rank, then the incomplete
    /// ones (as `GET …/results` orders them).
    pub units: Vec<RankingLine>,
    /// The vertical units' fallback results the caller may see, apart.
    pub fallbacks: Vec<FallbackLine>,
}

/// The fallbacks of `cycle_id` a unit or an inspector may see with the ranking: a unit its own,
/// or all of them where the scope shows the whole ranking; an inspector those of its teams'
/// units. Two statements at most.
fn visible_fallbacks(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    publication: &PublicationSettings,
) -> Result<Vec<FallbackView>, ApiError> {
    let mut query = fallback_results::table
        .inner_join(units::table.on(units::id.eq(fallback_results::unit_id)))
        .filter(fallback_results::cycle_id.eq(cycle_id))
        .into_boxed();
    match user.role {
        Role::Office => {}
        Role::Unit if publication.publication_scope == PublicationScope::All => {}
        Role::Unit => {
            query = query.filter(fallback_results::unit_id.nullable().eq(user.unit_id));
        }
        Role::Inspector => {
            let teams = scope::inspected_in_cycle(conn, &user.sub, cycle_id)?;
            query = query.filter(fallback_results::unit_id.eq_any(teams));
        }
    }
    let rows: Vec<(FallbackResult, String)> = query
        .order(fallback_results::unit_id.asc())
        .select((FallbackResult::as_select(), units::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(f, name)| results::fallback_view(f, name))
        .collect())
}

/// The ranking of cycle `id` that `user` may see, read at `now`: the office always; a unit
/// after publication what the publication scope grants (as `ops::results::list` decides; 403
/// `not_published` before); an inspector after publication their teams' units, or all of them
/// where the publication settings give inspectors the ranking (404 before). A fixed number of
/// statements whatever the county's size.
pub fn ranking(
    conn: &mut PgConnection,
    user: &AuthUser,
    id: CycleId,
    now: DateTime<Utc>,
) -> Result<RankingReport, ApiError> {
    let cycle = find_cycle(conn, id)?;
    let publication = PublicationSettings::find(conn, id, false)?;
    let sees_all = match user.role {
        Role::Office => true,
        Role::Inspector => results::published(&cycle) && publication.inspectors_see_ranking,
        Role::Unit => false,
    };
    let (units, fallbacks) = if sees_all {
        let all = results::for_cycle(conn, id, &ResultFilter::without_grades())?;
        (all.units, all.fallbacks)
    } else {
        let (units, _) = results::list(conn, user, id, None, None)?;
        (units, visible_fallbacks(conn, user, id, &publication)?)
    };
    Ok(RankingReport {
        cycle_id: cycle.id.0,
        year: cycle.year,
        state: cycle.state,
        as_of: now,
        rectification_line: Points(cycle.rectification_line),
        units: units.into_iter().map(RankingLine::from).collect(),
        fallbacks: fallbacks.into_iter().map(FallbackLine::from).collect(),
    })
}

impl RankingReport {
    /// The ranking as tables: the overall ranking, one per kind (ranked within it), each with
    /// a chart of its totals; then the units without a total and the vertical units' fallbacks,
    /// where there are any.
    pub fn document(&self, county: &str) -> Document {
        let ranked: Vec<&RankingLine> = self
            .units
            .iter()
            .filter(|u| u.rank_overall.is_some())
            .collect();
        let chart = |title: String, column: u16| ChartSpec {
            kind: ChartKind::Column,
            title,
            value_axis: "年度总分".to_owned(),
            categories: 1,
            series: vec![column],
        };
        let mut sheets = vec![Sheet {
            name: "总排名".to_owned(),
            headers: [
                "名次",
                "单位",
                "单位类型",
                "专项考核得分",
                "日常考核得分",
                "年度总分",
                "档次",
                "整改",
                "一票否决",
            ]
            .map(str::to_owned)
            .to_vec(),
            widths: vec![6.0, 24.0, 12.0, 12.0, 12.0, 10.0, 8.0, 6.0, 12.0],
            rows: ranked
                .iter()
                .map(|u| {
                    vec![
                        rank(u.rank_overall),
                        Cell::from(u.unit_name.as_str()),
                        Cell::from(kind_label(u.unit_kind)),
                        score(u.special_score.as_ref()),
                        score(u.routine_score.as_ref()),
                        score(u.total.as_ref()),
                        Cell::Text(u.band.clone().unwrap_or_default()),
                        rectification_mark(u.owes_rectification),
                        veto_mark(u.vetoed, u.band_capped),
                    ]
                })
                .collect(),
            chart: Some(chart("全县年度总分".to_owned(), 5)),
        }];
        for kind in ASSESSED_KINDS {
            let mut of_kind: Vec<&&RankingLine> =
                ranked.iter().filter(|u| u.unit_kind == kind).collect();
            if of_kind.is_empty() {
                continue;
            }
            of_kind.sort_by_key(|u| u.rank_in_kind);
            let label = kind_label(kind);
            sheets.push(Sheet {
                name: format!("{label}排名"),
                headers: [
                    "名次",
                    "单位",
                    "专项考核得分",
                    "日常考核得分",
                    "年度总分",
                    "档次",
                    "整改",
                    "一票否决",
                ]
                .map(str::to_owned)
                .to_vec(),
                widths: vec![6.0, 24.0, 12.0, 12.0, 10.0, 8.0, 6.0, 12.0],
                rows: of_kind
                    .iter()
                    .map(|u| {
                        vec![
                            rank(u.rank_in_kind),
                            Cell::from(u.unit_name.as_str()),
                            score(u.special_score.as_ref()),
                            score(u.routine_score.as_ref()),
                            score(u.total.as_ref()),
                            Cell::Text(u.band.clone().unwrap_or_default()),
                            rectification_mark(u.owes_rectification),
                            veto_mark(u.vetoed, u.band_capped),
                        ]
                    })
                    .collect(),
                chart: Some(chart(format!("{label}年度总分"), 4)),
            });
        }
        let incomplete: Vec<Vec<Cell>> = self
            .units
            .iter()
            .filter(|u| u.rank_overall.is_none())
            .map(|u| {
                vec![
                    Cell::from(u.unit_name.as_str()),
                    Cell::from(kind_label(u.unit_kind)),
                    score(u.special_score.as_ref()),
                    score(u.routine_score.as_ref()),
                    Cell::Text(missing_text(&u.missing)),
                ]
            })
            .collect();
        if !incomplete.is_empty() {
            sheets.push(Sheet {
                name: "未得出总分单位".to_owned(),
                headers: [
                    "单位",
                    "单位类型",
                    "专项考核得分",
                    "日常考核得分",
                    "缺少的材料",
                ]
                .map(str::to_owned)
                .to_vec(),
                widths: vec![24.0, 12.0, 12.0, 12.0, 40.0],
                rows: incomplete,
                chart: None,
            });
        }
        if !self.fallbacks.is_empty() {
            sheets.push(Sheet {
                name: "垂直管理单位".to_owned(),
                headers: ["单位", "替代结果", "结果来源", "依据文件"]
                    .map(str::to_owned)
                    .to_vec(),
                widths: vec![24.0, 10.0, 20.0, 40.0],
                rows: self
                    .fallbacks
                    .iter()
                    .map(|f| {
                        vec![
                            Cell::from(f.unit_name.as_str()),
                            Cell::Number(Amount(f.value.0.clone())),
                            Cell::from(zh_label(FallbackSource::LABELS, f.source.as_str())),
                            Cell::from(f.document_ref.as_str()),
                        ]
                    })
                    .collect(),
                chart: None,
            });
        }
        Document {
            title: format!("{}　考核结果排名", heading_of(county, self.year)),
            file_stem: format!("{county}{}年度考核结果排名", self.year),
            as_of: self.as_of,
            sheets,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The exports for other assessments (plan §5(四))
// ---------------------------------------------------------------------------------------------

/// One unit's result as another assessment takes it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResultSummary {
    /// The unit.
    #[schema(example = 7)]
    pub unit_id: i64,
    /// Its name.
    #[schema(example = "青莲镇")]
    pub unit_name: String,
    /// Its kind.
    pub unit_kind: UnitKind,
    /// `complete`, `incomplete` (see `missing`) or `fallback` (a vertical unit).
    pub status: ResultStatus,
    /// What an incomplete result lacks.
    pub missing: Vec<MissingPiece>,
    /// 年度总分 (a fallback's value for a vertical unit).
    #[schema(value_type = Option<String>, example = "89.15")]
    pub total: Option<Points>,
    /// Its grade band (档次).
    #[schema(example = "良好")]
    pub band: Option<String>,
    /// Competition rank among all ranked units.
    #[schema(example = 2)]
    pub rank_overall: Option<i64>,
    /// Whether it owes an explanation and a rectification plan (整改).
    pub owes_rectification: Option<bool>,
    /// Whether a veto (一票否决) applies.
    pub vetoed: bool,
}

impl From<&UnitResult> for ResultSummary {
    fn from(r: &UnitResult) -> Self {
        Self {
            unit_id: r.unit_id.0,
            unit_name: r.unit_name.clone(),
            unit_kind: r.unit_kind,
            status: r.status,
            missing: r.missing.clone(),
            total: r.total.clone(),
            band: r.band.clone(),
            rank_overall: r.rank_overall,
            owes_rectification: r.owes_rectification,
            vetoed: r.vetoed,
        }
    }
}

impl ResultSummary {
    /// Its cells: unit, kind, total, band, rank, rectification, veto.
    fn cells(&self) -> Vec<Cell> {
        let yes_no = |b: bool| Cell::from(if b { "是" } else { "否" });
        vec![
            Cell::from(self.unit_name.as_str()),
            Cell::from(kind_label(self.unit_kind)),
            score(self.total.as_ref()),
            Cell::Text(self.band.clone().unwrap_or_default()),
            rank(self.rank_overall),
            self.owes_rectification.map_or(Cell::Empty, yes_no),
            yes_no(self.vetoed),
        ]
    }

    /// What the reader of an export needs to know of a line without a ranked total.
    fn note(&self) -> String {
        match self.status {
            ResultStatus::Complete => String::new(),
            ResultStatus::Incomplete => format!("未得出总分：{}", missing_text(&self.missing)),
            ResultStatus::Fallback => "替代结果，不参与排名".to_owned(),
        }
    }
}

/// The headers of [`ResultSummary::cells`].
const SUMMARY_HEADERS: [&str; 7] = [
    "单位",
    "单位类型",
    "年度总分",
    "档次",
    "全县名次",
    "须整改",
    "一票否决",
];

/// 党建考核用考核结果 (the results for the Party-building assessment, plan §5(四)).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartyBuildingExport {
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
    /// Every assessed unit (ranked by overall rank, then the incomplete ones), then the
    /// vertical units' fallback results.
    pub units: Vec<ResultSummary>,
}

/// The results of cycle `id` for the Party-building assessment, read at `now`: the
/// statements of `ops::results::for_cycle` and nothing more.
pub fn party_building(
    conn: &mut PgConnection,
    id: CycleId,
    now: DateTime<Utc>,
) -> Result<PartyBuildingExport, ApiError> {
    let cycle = find_cycle(conn, id)?;
    let all = results::for_cycle(conn, id, &ResultFilter::without_grades())?;
    let mut lines: Vec<ResultSummary> = all.units.iter().map(ResultSummary::from).collect();
    lines.extend(
        all.fallbacks
            .into_iter()
            .map(|f| ResultSummary::from(&UnitResult::from(f))),
    );
    Ok(PartyBuildingExport {
        cycle_id: cycle.id.0,
        year: cycle.year,
        state: cycle.state,
        as_of: now,
        units: lines,
    })
}

impl PartyBuildingExport {
    /// The export as one table, a line a unit.
    pub fn document(&self, county: &str) -> Document {
        let mut headers: Vec<String> = SUMMARY_HEADERS.map(str::to_owned).to_vec();
        headers.push("备注".to_owned());
        Document {
            title: format!(
                "{}　考核结果（报党建工作考核）",
                heading_of(county, self.year)
            ),
            file_stem: format!("{county}{}年度考核结果（党建考核）", self.year),
            as_of: self.as_of,
            sheets: vec![Sheet {
                name: "党建考核用考核结果".to_owned(),
                headers,
                widths: vec![24.0, 12.0, 10.0, 8.0, 8.0, 8.0, 8.0, 30.0],
                rows: self
                    .units
                    .iter()
                    .map(|u| {
                        let mut row = u.cells();
                        row.push(Cell::Text(u.note()));
                        row
                    })
                    .collect(),
                chart: None,
            }],
        }
    }
}

/// One unit's result and the referrals its team recorded on its score sheet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicEvaluationUnit {
    /// Its result.
    #[serde(flatten)]
    pub result: ResultSummary,
    /// The referrals to the 公述民评 group recorded on its score sheet, oldest first.
    pub referrals: Vec<ReferralView>,
}

/// 公述民评用考核结果 (the results for the 公述民评 group, with the teams' referrals of
/// dereliction of duty; plan §4, §5(四)).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicEvaluationExport {
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
    /// How many referrals the teams recorded.
    #[schema(example = 2)]
    pub referral_count: i64,
    /// Every assessed unit (ranked by overall rank, then the incomplete ones).
    pub units: Vec<PublicEvaluationUnit>,
}

/// The results of cycle `id` for the 公述民评 group with the referrals, read at `now`: the
/// statements of `ops::results::for_cycle` and one for every referral of the cycle.
pub fn public_evaluation(
    conn: &mut PgConnection,
    id: CycleId,
    now: DateTime<Utc>,
) -> Result<PublicEvaluationExport, ApiError> {
    let cycle: Cycle = find_cycle(conn, id)?;
    let all = results::for_cycle(conn, id, &ResultFilter::without_grades())?;
    let recorded: Vec<(crate::models::UnitId, Referral)> = referrals::table
        .inner_join(scoring_records::table)
        .filter(scoring_records::cycle_id.eq(id))
        .order((scoring_records::unit_id.asc(), referrals::id.asc()))
        .select((scoring_records::unit_id, Referral::as_select()))
        .load(conn)?;
    let referral_count = i64::try_from(recorded.len()).unwrap_or(i64::MAX);
    let mut units: Vec<PublicEvaluationUnit> = all
        .units
        .iter()
        .map(|u| PublicEvaluationUnit {
            result: ResultSummary::from(u),
            referrals: Vec::new(),
        })
        .collect();
    for (unit_id, referral) in recorded {
        if let Some(unit) = units.iter_mut().find(|u| u.result.unit_id == unit_id.0) {
            unit.referrals.push(ReferralView::from(referral));
        }
    }
    Ok(PublicEvaluationExport {
        cycle_id: cycle.id.0,
        year: cycle.year,
        state: cycle.state,
        as_of: now,
        referral_count,
        units,
    })
}

impl PublicEvaluationExport {
    /// The export as one table: a line per referral with its unit's result repeated, or one
    /// line for a unit without any.
    pub fn document(&self, county: &str) -> Document {
        let mut headers: Vec<String> = SUMMARY_HEADERS.map(str::to_owned).to_vec();
        headers
            .extend(["移交人员", "失职事实", "追责决定", "记录人", "记录日期"].map(str::to_owned));
        let mut rows = Vec::new();
        for unit in &self.units {
            if unit.referrals.is_empty() {
                let mut row = unit.result.cells();
                row.extend([
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ]);
                rows.push(row);
            }
            for referral in &unit.referrals {
                let mut row = unit.result.cells();
                row.extend([
                    Cell::Text(referral.leader_name.clone().unwrap_or_default()),
                    Cell::from(referral.facts.as_str()),
                    Cell::from(referral.decision.as_str()),
                    Cell::from(referral.created_by.as_str()),
                    Cell::Text(
                        referral
                            .created_at
                            .with_timezone(&china())
                            .format("%Y-%m-%d")
                            .to_string(),
                    ),
                ]);
                rows.push(row);
            }
        }
        Document {
            title: format!(
                "{}　考核结果及移交“公述民评”情况（移交{}件）",
                heading_of(county, self.year),
                self.referral_count
            ),
            file_stem: format!("{county}{}年度考核结果（公述民评）", self.year),
            as_of: self.as_of,
            sheets: vec![Sheet {
                name: "公述民评用考核结果".to_owned(),
                headers,
                widths: vec![
                    24.0, 12.0, 10.0, 8.0, 8.0, 8.0, 8.0, 12.0, 40.0, 30.0, 14.0, 12.0,
                ],
                rows,
                chart: None,
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_missing_pieces_read_in_chinese() {
        assert_eq!(rectification_mark(Some(true)), Cell::from("整改"));
        assert_eq!(rectification_mark(Some(false)), Cell::Empty);
        assert_eq!(rectification_mark(None), Cell::Empty);
        assert_eq!(veto_mark(true, false), Cell::from("一票否决"));
        assert_eq!(veto_mark(false, false), Cell::Empty);
        assert_eq!(
            missing_text(&[
                MissingPiece::SheetNotFinal,
                MissingPiece::RoutineScoreMissing
            ]),
            "考核评分表未定稿、未录入日常考核得分"
        );
    }
}
