//! The office's report to the county committee (issue 16 item 6; plan §5(五): 县党廉办根据考核
//! 情况确定……分数或档次，形成考核情况审核后报县委): the three texts the office writes (overall
//! evaluation, problems, advice), beside the figures the service fills in from the results.
//!
//! Every figure comes from `ops::results::for_cycle` (so each equals `GET …/results`) and
//! `ops::reports::content_areas`, plus one count of the referrals: a fixed number of statements
//! whatever the county's size. Until every assessed unit has a total, the figures are absent
//! and `missing` lists who lacks what, rather than numbers over part of the county.

use bigdecimal::{BigDecimal, RoundingMode, Zero};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::error::ApiError;
use crate::models::CycleId;
use crate::models::committee_report::{CommitteeReportRow, NewCommitteeReport};
use crate::models::cycle::Cycle;
use crate::models::unit::UnitKind;
use crate::ops::cycles::{find_cycle, lock_cycle};
use crate::ops::reports::{self, AreaLoss, heading_of};
use crate::ops::results::{self, MissingPiece, ResultFilter, ResultStatus, UnitResult};
use crate::reports::{Amount, Cell, Document, Sheet, zh_label};
use crate::schema::{referrals, scoring_records};

/// How many units the top and the bottom of the ranking name (more where totals tie).
pub const ENDS: i64 = 3;
/// How many content areas the report names, those that lost most points first.
pub const AREAS: usize = 3;

/// The kinds of assessed unit, in the order the county lists them.
const ASSESSED_KINDS: [UnitKind; 3] = [
    UnitKind::Town,
    UnitKind::CountyDepartment,
    UnitKind::CountyEnterprise,
];

/// The totals of a group of units.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TotalStats {
    /// How many units have a total.
    #[schema(example = 12)]
    pub units: i64,
    /// Their average total, rounded half-up to two decimals.
    pub average: Amount,
    /// The highest total.
    #[schema(value_type = String, example = "95.20")]
    pub highest: Points,
    /// The lowest total.
    #[schema(value_type = String, example = "72.40")]
    pub lowest: Points,
}

impl TotalStats {
    /// The statistics of `totals`, none when it is empty.
    pub fn of<'a>(totals: impl IntoIterator<Item = &'a Points>) -> Option<Self> {
        let totals: Vec<&Points> = totals.into_iter().collect();
        let highest = (*totals.iter().max()?).clone();
        let lowest = (*totals.iter().min()?).clone();
        let sum: BigDecimal = totals.iter().map(|p| &p.0).sum();
        let units = i64::try_from(totals.len()).unwrap_or(i64::MAX);
        let average = (sum / BigDecimal::from(units)).with_scale_round(2, RoundingMode::HalfUp);
        Some(Self {
            units,
            average: Amount(average),
            highest,
            lowest,
        })
    }
}

/// The totals of one kind of unit.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct KindStats {
    /// The kind.
    pub kind: UnitKind,
    /// Its units' totals.
    #[serde(flatten)]
    pub stats: TotalStats,
}

/// How many units one grade band holds.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BandCount {
    /// The band (档次).
    #[schema(example = "优秀")]
    pub band: String,
    /// Its lowest total.
    #[schema(value_type = String, example = "90.00")]
    pub lower_bound: Points,
    /// How many units are in it (after any veto's cap).
    #[schema(example = 4)]
    pub units: i64,
}

/// A unit and its total, as `GET …/results` gives them.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UnitTotal {
    /// The unit.
    #[schema(example = 10)]
    pub unit_id: i64,
    /// Its name.
    #[schema(example = "岭背镇")]
    pub unit_name: String,
    /// Its kind.
    pub unit_kind: UnitKind,
    /// 年度总分.
    #[schema(value_type = String, example = "74.50")]
    pub total: Points,
    /// Its competition rank among all ranked units.
    #[schema(example = 63)]
    pub rank_overall: i64,
    /// Its grade band, where the cycle has bands.
    #[schema(example = "较差")]
    pub band: Option<String>,
}

impl UnitTotal {
    /// The line of a ranked unit (none for a unit without a total).
    fn of(r: &UnitResult) -> Option<Self> {
        Some(Self {
            unit_id: r.unit_id.0,
            unit_name: r.unit_name.clone(),
            unit_kind: r.unit_kind,
            total: r.total.clone()?,
            rank_overall: r.rank_overall?,
            band: r.band.clone(),
        })
    }
}

/// An assessed unit without a total, and what it lacks.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MissingUnit {
    /// The unit.
    #[schema(example = 19)]
    pub unit_id: i64,
    /// Its name.
    #[schema(example = "县委宣传部")]
    pub unit_name: String,
    /// Its kind.
    pub unit_kind: UnitKind,
    /// What its result lacks.
    pub missing: Vec<MissingPiece>,
}

/// The figures of a complete cycle, filled in by the service.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommitteeFigures {
    /// Every assessed unit's total.
    pub overall: TotalStats,
    /// By kind of unit, in the county's order (the kinds with units).
    pub by_kind: Vec<KindStats>,
    /// How many units each grade band holds, the highest band first (empty without bands).
    pub bands: Vec<BandCount>,
    /// The units at or below the rectification line, by rank.
    pub at_or_below_line: Vec<UnitTotal>,
    /// The top of the ranking: the units ranked 1 to 3 (more where totals tie), by rank.
    pub top: Vec<UnitTotal>,
    /// The bottom: the units with fewer than 3 units below them (more where totals tie), by
    /// rank.
    pub bottom: Vec<UnitTotal>,
    /// The content areas that lost most points over the final sheets (at most 3, most first;
    /// as `GET …/reports/content-areas` gives them).
    pub areas_losing_most: Vec<AreaLoss>,
    /// How many referrals to the 公述民评 group the teams recorded on the score sheets.
    #[schema(example = 2)]
    pub referral_count: i64,
}

/// 向县委报告考核情况 (the office's report to the county committee, plan §5(五)).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommitteeReport {
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
    /// 总体评价 (the office's overall evaluation); null until written.
    #[schema(example = "全县各单位党风廉政建设责任制落实情况总体较好。")]
    pub overall_evaluation: Option<String>,
    /// 存在问题 (the problems found); null until written.
    #[schema(example = "个别单位“一岗双责”落实不到位。")]
    pub problems: Option<String>,
    /// 意见建议 (the advice to the committee); null until written.
    #[schema(example = "建议对整改线以下单位进行约谈。")]
    pub advice: Option<String>,
    /// The texts' version (the `ETag`): 0 until first written.
    #[schema(example = 1)]
    pub version: i32,
    /// Who last wrote the texts.
    #[schema(example = "office-admin")]
    pub updated_by: Option<String>,
    /// When.
    pub updated_at: Option<DateTime<Utc>>,
    /// How many units the cycle assesses.
    #[schema(example = 72)]
    pub assessed_units: i64,
    /// The rectification line (inclusive).
    #[schema(value_type = String, example = "75.00")]
    pub rectification_line: Points,
    /// Whether every assessed unit has a total, so the figures are given.
    pub complete: bool,
    /// The assessed units without a total and what they lack (empty when complete).
    pub missing: Vec<MissingUnit>,
    /// The figures; null until every assessed unit has a total.
    pub figures: Option<CommitteeFigures>,
}

/// The three texts and their version, as the audit trail records a change of them.
#[derive(Debug, Serialize)]
struct Texts<'a> {
    overall_evaluation: Option<&'a str>,
    problems: Option<&'a str>,
    advice: Option<&'a str>,
    version: i32,
}

impl<'a> Texts<'a> {
    fn of(row: Option<&'a CommitteeReportRow>) -> Self {
        Self {
            overall_evaluation: row.and_then(|r| r.overall_evaluation.as_deref()),
            problems: row.and_then(|r| r.problems.as_deref()),
            advice: row.and_then(|r| r.advice.as_deref()),
            version: row.map_or(0, |r| r.version),
        }
    }
}

/// The units of `ranked` (in rank order) with fewer than [`ENDS`] units below them.
fn bottom_of(ranked: &[UnitTotal]) -> Vec<UnitTotal> {
    let mut ascending: Vec<&Points> = ranked.iter().map(|u| &u.total).collect();
    ascending.sort();
    let Some(line) = ascending
        .get(usize::try_from(ENDS - 1).unwrap_or(0))
        .or(ascending.last())
    else {
        return Vec::new();
    };
    let line = (*line).clone();
    ranked.iter().filter(|u| u.total <= line).cloned().collect()
}

/// The report of `cycle` with its texts `row`, read at `now`: the texts, and the figures once
/// every assessed unit has a total.
fn assemble(
    conn: &mut PgConnection,
    cycle: &Cycle,
    row: Option<CommitteeReportRow>,
    now: DateTime<Utc>,
) -> Result<CommitteeReport, ApiError> {
    let all = results::for_cycle(conn, cycle.id, &ResultFilter::without_grades())?;
    let missing: Vec<MissingUnit> = all
        .units
        .iter()
        .filter(|u| u.status != ResultStatus::Complete || u.total.is_none())
        .map(|u| MissingUnit {
            unit_id: u.unit_id.0,
            unit_name: u.unit_name.clone(),
            unit_kind: u.unit_kind,
            missing: u.missing.clone(),
        })
        .collect();
    let assessed_units = i64::try_from(all.units.len()).unwrap_or(i64::MAX);
    let complete = assessed_units > 0 && missing.is_empty();
    let figures = if complete {
        Some(figures(conn, cycle, &all, now)?)
    } else {
        None
    };
    let (texts, version, updated_by, updated_at) = match row {
        Some(r) => (
            (r.overall_evaluation, r.problems, r.advice),
            r.version,
            Some(r.updated_by),
            Some(r.updated_at),
        ),
        None => ((None, None, None), 0, None, None),
    };
    Ok(CommitteeReport {
        cycle_id: cycle.id.0,
        year: cycle.year,
        state: cycle.state,
        as_of: now,
        overall_evaluation: texts.0,
        problems: texts.1,
        advice: texts.2,
        version,
        updated_by,
        updated_at,
        assessed_units,
        rectification_line: Points(cycle.rectification_line.clone()),
        complete,
        missing,
        figures,
    })
}

/// The figures of a cycle whose every assessed unit has a total: the totals of `all`, the
/// content-area analysis and one count of the referrals.
fn figures(
    conn: &mut PgConnection,
    cycle: &Cycle,
    all: &results::CycleResults,
    now: DateTime<Utc>,
) -> Result<CommitteeFigures, ApiError> {
    let ranked: Vec<UnitTotal> = all.units.iter().filter_map(UnitTotal::of).collect();
    let overall = TotalStats::of(ranked.iter().map(|u| &u.total))
        .ok_or_else(|| ApiError::internal("a complete cycle without a total"))?;
    let by_kind = ASSESSED_KINDS
        .iter()
        .filter_map(|kind| {
            TotalStats::of(
                ranked
                    .iter()
                    .filter(|u| u.unit_kind == *kind)
                    .map(|u| &u.total),
            )
            .map(|stats| KindStats { kind: *kind, stats })
        })
        .collect();
    let bands = all
        .bands
        .iter()
        .rev()
        .map(|b| BandCount {
            band: b.name.clone(),
            lower_bound: b.lower_bound.clone(),
            units: i64::try_from(
                ranked
                    .iter()
                    .filter(|u| u.band.as_deref() == Some(b.name.as_str()))
                    .count(),
            )
            .unwrap_or(i64::MAX),
        })
        .collect();
    let at_or_below_line = all
        .units
        .iter()
        .filter(|u| u.owes_rectification == Some(true))
        .filter_map(UnitTotal::of)
        .collect();
    let top = ranked
        .iter()
        .filter(|u| u.rank_overall <= ENDS)
        .cloned()
        .collect();
    let bottom = bottom_of(&ranked);
    let mut areas: Vec<AreaLoss> = reports::content_areas(conn, cycle.id, now)?
        .areas
        .into_iter()
        .filter(|a| !a.overall.lost_points.0.is_zero())
        .collect();
    areas.sort_by(|a, b| {
        b.overall
            .lost_points
            .cmp(&a.overall.lost_points)
            .then(a.content_area.cmp(&b.content_area))
    });
    areas.truncate(AREAS);
    let referral_count: i64 = referrals::table
        .inner_join(scoring_records::table)
        .filter(scoring_records::cycle_id.eq(cycle.id))
        .count()
        .get_result(conn)?;
    Ok(CommitteeFigures {
        overall,
        by_kind,
        bands,
        at_or_below_line,
        top,
        bottom,
        areas_losing_most: areas,
        referral_count,
    })
}

/// The report of cycle `id`, read at `now`.
pub fn read(
    conn: &mut PgConnection,
    id: CycleId,
    now: DateTime<Utc>,
) -> Result<CommitteeReport, ApiError> {
    let cycle = find_cycle(conn, id)?;
    let row = CommitteeReportRow::find(conn, id, false)?;
    assemble(conn, &cycle, row, now)
}

/// The three texts of a write, each as sent.
#[derive(Debug, Clone)]
pub struct NewTexts {
    /// 总体评价.
    pub overall_evaluation: String,
    /// 存在问题.
    pub problems: String,
    /// 意见建议.
    pub advice: String,
}

/// The texts are written while the cycle is in review or published: 409 `cycle_not_in_review`
/// before, `cycle_archived` after. Writing them changes no result, so publication does not
/// freeze them.
fn ensure_writable(cycle: &Cycle) -> Result<(), ApiError> {
    match cycle.state {
        CycleState::Review | CycleState::Published => Ok(()),
        CycleState::Archived => Err(ApiError::Conflict {
            code: "cycle_archived",
            detail: format!("cycle {} is archived and read-only", cycle.id),
        }),
        state => Err(ApiError::Conflict {
            code: "cycle_not_in_review",
            detail: format!(
                "the report to the county committee is written once the cycle is in review; \
                 cycle {} is in {state}",
                cycle.id
            ),
        }),
    }
}

/// Replaces the texts of cycle `id`'s report under `check` (the `If-Match` of their version,
/// 0 before the first write), and answers the report as read at `now` with the change.
pub fn put(
    conn: &mut PgConnection,
    user: &AuthUser,
    id: CycleId,
    texts: NewTexts,
    now: DateTime<Utc>,
    check: impl FnOnce(i32) -> Result<(), ApiError>,
) -> Result<(CommitteeReport, Change), ApiError> {
    let cycle = lock_cycle(conn, id)?;
    let current = CommitteeReportRow::find(conn, id, true)?;
    check(current.as_ref().map_or(0, |r| r.version))?;
    ensure_writable(&cycle)?;
    let saved = NewCommitteeReport {
        cycle_id: id,
        overall_evaluation: Some(texts.overall_evaluation),
        problems: Some(texts.problems),
        advice: Some(texts.advice),
        updated_by: user.sub.clone(),
    }
    .save(conn)?;
    let change = Change::updated(
        "committee_report",
        id,
        &Texts::of(current.as_ref()),
        &Texts::of(Some(&saved)),
    );
    let report = assemble(conn, &cycle, Some(saved), now)?;
    Ok((report, change))
}

// ---------------------------------------------------------------------------------------------
// As tables
// ---------------------------------------------------------------------------------------------

fn kind_label(kind: UnitKind) -> &'static str {
    zh_label(UnitKind::LABELS, kind.as_str())
}

fn points(p: &Points) -> Cell {
    Cell::Number(Amount(p.0.clone()))
}

/// A row of the totals table.
fn stats_row(name: &str, s: &TotalStats) -> Vec<Cell> {
    vec![
        Cell::from(name),
        Cell::Count(s.units),
        Cell::Number(s.average.clone()),
        points(&s.highest),
        points(&s.lowest),
    ]
}

/// A unit's line in the tables of units.
fn unit_row(u: &UnitTotal) -> Vec<Cell> {
    vec![
        Cell::Count(u.rank_overall),
        Cell::from(u.unit_name.as_str()),
        Cell::from(kind_label(u.unit_kind)),
        points(&u.total),
        Cell::Text(u.band.clone().unwrap_or_default()),
    ]
}

/// The headers of [`unit_row`].
const UNIT_HEADERS: [&str; 5] = ["全县名次", "单位", "单位类型", "年度总分", "档次"];

fn sheet(name: &str, headers: &[&str], widths: Vec<f64>, rows: Vec<Vec<Cell>>) -> Sheet {
    Sheet {
        name: name.to_owned(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        widths,
        rows,
        chart: None,
    }
}

impl CommitteeReport {
    /// The report as tables: the office's texts, then the figures (totals overall and by kind,
    /// the bands, the units at or below the line, the top and the bottom of the ranking, the
    /// content areas), or, before the results are complete, the units that lack something.
    pub fn document(&self, county: &str) -> Document {
        let text =
            |t: &Option<String>| Cell::Text(t.clone().unwrap_or_else(|| "（未填写）".into()));
        let mut sheets = vec![sheet(
            "报告正文",
            &["部分", "内容"],
            vec![12.0, 100.0],
            vec![
                vec![Cell::from("总体评价"), text(&self.overall_evaluation)],
                vec![Cell::from("存在问题"), text(&self.problems)],
                vec![Cell::from("意见建议"), text(&self.advice)],
            ],
        )];
        let Some(f) = &self.figures else {
            sheets.push(sheet(
                "尚缺材料",
                &["单位", "单位类型", "缺少的材料"],
                vec![24.0, 12.0, 40.0],
                self.missing
                    .iter()
                    .map(|u| {
                        vec![
                            Cell::from(u.unit_name.as_str()),
                            Cell::from(kind_label(u.unit_kind)),
                            Cell::Text(
                                u.missing
                                    .iter()
                                    .map(|m| zh_label(MissingPiece::LABELS, m.as_str()))
                                    .collect::<Vec<_>>()
                                    .join("、"),
                            ),
                        ]
                    })
                    .collect(),
            ));
            return self.titled(county, "（考核结果尚不完整）", sheets);
        };
        let mut totals = vec![stats_row("全县", &f.overall)];
        totals.extend(
            f.by_kind
                .iter()
                .map(|k| stats_row(kind_label(k.kind), &k.stats)),
        );
        sheets.push(sheet(
            "总体情况",
            &["范围", "单位数", "平均分", "最高分", "最低分"],
            vec![16.0, 8.0, 10.0, 10.0, 10.0],
            totals,
        ));
        sheets.push(sheet(
            "档次分布",
            &["档次", "下限", "单位数"],
            vec![10.0, 10.0, 8.0],
            f.bands
                .iter()
                .map(|b| {
                    vec![
                        Cell::from(b.band.as_str()),
                        points(&b.lower_bound),
                        Cell::Count(b.units),
                    ]
                })
                .collect(),
        ));
        let widths = || vec![8.0, 24.0, 12.0, 10.0, 8.0];
        sheets.push(sheet(
            "整改线以下单位",
            &UNIT_HEADERS,
            widths(),
            f.at_or_below_line.iter().map(unit_row).collect(),
        ));
        sheets.push(sheet(
            "排名前三",
            &UNIT_HEADERS,
            widths(),
            f.top.iter().map(unit_row).collect(),
        ));
        sheets.push(sheet(
            "排名后三",
            &UNIT_HEADERS,
            widths(),
            f.bottom.iter().map(unit_row).collect(),
        ));
        sheets.push(sheet(
            "失分最多的考核内容",
            &["考核内容", "应得分合计", "失分合计", "失分率（%）"],
            vec![40.0, 12.0, 12.0, 14.0],
            f.areas_losing_most
                .iter()
                .map(|a| {
                    vec![
                        Cell::Text(format!("{}. {}", a.content_area, a.name)),
                        Cell::Number(a.overall.max_points.clone()),
                        Cell::Number(a.overall.lost_points.clone()),
                        Cell::Number(a.overall.share.clone()),
                    ]
                })
                .collect(),
        ));
        let note = format!(
            "（考核单位{}个，移交“公述民评”{}件）",
            self.assessed_units, f.referral_count
        );
        self.titled(county, &note, sheets)
    }

    fn titled(&self, county: &str, note: &str, sheets: Vec<Sheet>) -> Document {
        Document {
            title: format!(
                "{}　考核情况报告（报县委）{note}",
                heading_of(county, self.year)
            ),
            file_stem: format!("{county}{}年度考核情况报告（报县委）", self.year),
            as_of: self.as_of,
            sheets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Points {
        Points(s.parse().expect("a decimal"))
    }

    #[test]
    fn the_average_is_exact_and_rounded_half_up() {
        let totals = [p("80.00"), p("80.01"), p("80.00"), p("80.01")];
        let stats = TotalStats::of(&totals).expect("stats");
        assert_eq!(stats.units, 4);
        assert_eq!(stats.average.to_fixed(), "80.01");
        assert_eq!(stats.highest, p("80.01"));
        assert_eq!(stats.lowest, p("80.00"));
        assert!(TotalStats::of(&[]).is_none());
    }

    #[test]
    fn the_bottom_keeps_ties_with_the_third_lowest() {
        let line = |id: i64, total: &str, rank: i64| UnitTotal {
            unit_id: id,
            unit_name: format!("单位{id}"),
            unit_kind: UnitKind::Town,
            total: p(total),
            rank_overall: rank,
            band: None,
        };
        let ranked = vec![
            line(1, "90", 1),
            line(2, "80", 2),
            line(3, "70", 3),
            line(4, "70", 3),
            line(5, "60", 5),
        ];
        let ids: Vec<i64> = bottom_of(&ranked).iter().map(|u| u.unit_id).collect();
        assert_eq!(ids, [3, 4, 5]);
        let ids: Vec<i64> = bottom_of(&ranked[..2]).iter().map(|u| u.unit_id).collect();
        assert_eq!(ids, [1, 2]);
    }
}
