//! The office's reports of a cycle (issue 16; DOMAIN.md "Using the results", plan §5): the
//! dashboard of every stage's progress, the leader grades by unit, and the analysis of points
//! lost by content area. Each is read in a fixed number of queries whatever the county's size,
//! returned as its JSON view, and described as a [`Document`] of Chinese tables for the CSV
//! and .xlsx answers (`crate::reports`).
//!
//! The ranking and the exports for other assessments (`ops/report_ranking.rs`) and a unit's
//! full report (`ops/report_unit.rs`) stand on the results (`ops/results.rs`).

use bigdecimal::{BigDecimal, Zero};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Int2, Nullable, Numeric, Text};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::evaluation::Grade;
use crate::domain::forms::CONTENT_AREAS;
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::models::CycleId;
use crate::models::form::FormKind;
use crate::models::routine::Draw;
use crate::models::unit::UnitKind;
use crate::ops::cycles::{check_transition, find_cycle};
use crate::ops::routine::DrawStatus;
use crate::reports::{Amount, Cell, ChartKind, ChartSpec, Document, Sheet, zh_label};

// ---------------------------------------------------------------------------------------------
// The dashboard
// ---------------------------------------------------------------------------------------------

crate::text_enum! {
    /// 考核进度的阶段 (a stage of the cycle on the dashboard).
    pub enum StageKey {
        /// 自查报告 (the units' self-inspections; plan §4(一)1)
        SelfInspections => "self_inspections",
        /// 述责报告 (the first responsible persons' accountability reports)
        AccountabilityReports => "accountability_reports",
        /// 考核组分工 (which team holds each unit)
        Teams => "teams",
        /// 考核评分表 (the teams' score sheets, by state)
        ScoringRecords => "scoring_records",
        /// 考核报告 (the teams' reports, by state)
        TeamReports => "team_reports",
        /// 民主测评 (the democratic evaluation rounds)
        EvaluationRounds => "evaluation_rounds",
        /// 日常考核抽查与走访 (the routine draw and its visits; plan §4(二))
        RoutineDraw => "routine_draw",
        /// 日常考核得分 (the routine scores)
        RoutineScores => "routine_scores",
        /// 考核结果 (the results: complete or what they lack, and who owes rectification)
        Results => "results",
        /// 整改 (the rectifications owed after publication, by state, and the overdue)
        Rectifications => "rectifications",
    }
}

/// A unit behind a count.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct UnitRef {
    /// The unit.
    #[schema(example = 7)]
    pub unit_id: i64,
    /// Its name.
    #[schema(example = "青莲镇")]
    pub name: String,
    /// What the count says of it in particular (a leader, a team), if anything.
    #[schema(example = "李明")]
    pub note: Option<String>,
}

/// One count of a stage, with the units behind it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageCount {
    /// Stable key of the count within its stage (`submitted`, `late`, `paper_missing`, ...).
    #[schema(example = "late")]
    pub key: &'static str,
    /// Its Chinese label.
    #[schema(example = "逾期提交")]
    pub label: &'static str,
    /// How many (units, or first responsible persons for the accountability reports).
    #[schema(example = 3)]
    pub count: i64,
    /// The units behind the count, by id.
    pub units: Vec<UnitRef>,
}

/// The progress of one stage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Stage {
    /// Which stage.
    pub key: StageKey,
    /// Its Chinese name.
    #[schema(example = "自查报告")]
    pub label: &'static str,
    /// A word on the stage as a whole (the draw's state), if any.
    pub note: Option<String>,
    /// Its counts.
    pub counts: Vec<StageCount>,
}

/// The cycle's next transition and whether its guards let it through now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextTransition {
    /// The next state.
    pub to: CycleState,
    /// Whether the transition's guards hold now.
    pub ready: bool,
    /// The code of the guard that refuses it (as the transition would answer 409).
    #[schema(example = "units_without_team")]
    pub blocked_by: Option<String>,
    /// Why, in Chinese, with the particulars.
    pub detail: Option<String>,
}

/// 考核进度 (the dashboard): the progress of every stage of the cycle.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    /// The cycle.
    #[schema(example = 1)]
    pub cycle_id: i64,
    /// Its year.
    #[schema(example = 2014)]
    pub year: i32,
    /// Its state.
    pub state: CycleState,
    /// When the data was read.
    pub as_of: DateTime<Utc>,
    /// How many units the cycle assesses.
    #[schema(example = 78)]
    pub assessed_units: i64,
    /// Every stage, in the cycle's order.
    pub stages: Vec<Stage>,
    /// The next transition, from the guards the transition itself runs; none once archived.
    pub next_transition: Option<NextTransition>,
}

#[derive(QueryableByName)]
struct DashboardUnitRow {
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    si_status: Option<String>,
    #[diesel(sql_type = Bool)]
    si_late: bool,
    #[diesel(sql_type = Bool)]
    paper_received: bool,
    #[diesel(sql_type = Nullable<Text>)]
    team_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    sheet_status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    report_status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    round_state: Option<String>,
    #[diesel(sql_type = Bool)]
    routine_scored: bool,
    #[diesel(sql_type = Nullable<Text>)]
    visit_status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    rect_status: Option<String>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Date>)]
    rect_due_on: Option<chrono::NaiveDate>,
}

#[derive(QueryableByName)]
struct AccountabilityRow {
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    leader_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    status: Option<String>,
    #[diesel(sql_type = Bool)]
    late: bool,
}

/// Counts being gathered for one stage, in the order first named.
#[derive(Default)]
struct Counter {
    counts: Vec<StageCount>,
}

impl Counter {
    /// Declares the counts of the stage, so that an empty one is still listed.
    fn with(keys: &[(&'static str, &'static str)]) -> Self {
        Self {
            counts: keys
                .iter()
                .map(|(key, label)| StageCount {
                    key,
                    label,
                    count: 0,
                    units: Vec::new(),
                })
                .collect(),
        }
    }

    /// Declares more counts after those of [`Counter::with`].
    fn declare(&mut self, keys: &[(&'static str, &'static str)]) {
        self.counts.extend(Counter::with(keys).counts);
    }

    fn add(&mut self, key: &str, unit_id: i64, name: &str, note: Option<&str>) {
        if let Some(count) = self.counts.iter_mut().find(|c| c.key == key) {
            count.count += 1;
            count.units.push(UnitRef {
                unit_id,
                name: name.to_owned(),
                note: note.map(str::to_owned),
            });
        }
    }

    fn stage(self, key: StageKey, note: Option<String>) -> Stage {
        Stage {
            key,
            label: zh_label(StageKey::LABELS, key.as_str()),
            note,
            counts: self.counts,
        }
    }
}

/// The submitted family's counts: submitted (late among them), returned, draft, not begun.
const DOCUMENT_COUNTS: [(&str, &str); 5] = [
    ("submitted", "已提交"),
    ("late", "其中逾期提交"),
    ("returned", "退回修改"),
    ("draft", "草稿未提交"),
    ("missing", "尚未填写"),
];

fn document_key(status: Option<&str>) -> &'static str {
    match status {
        Some("submitted" | "accepted") => "submitted",
        Some("returned") => "returned",
        Some(_) => "draft",
        None => "missing",
    }
}

/// The dashboard of cycle `id`, read at `now`: queries for the units (with their
/// rectification), the reports and the draw, the results as `GET …/results` computes them,
/// and the transition's own guards, the same number whatever the number of units.
pub fn dashboard(
    conn: &mut PgConnection,
    id: CycleId,
    now: DateTime<Utc>,
) -> Result<Dashboard, ApiError> {
    let cycle = find_cycle(conn, id)?;
    let units: Vec<DashboardUnitRow> = diesel::sql_query(
        "SELECT cu.unit_id, u.name, si.status AS si_status, COALESCE(si.late, false) AS si_late, \
         si.paper_received_at IS NOT NULL AS paper_received, t.name AS team_name, \
         sr.status AS sheet_status, tr.status AS report_status, \
         (SELECT r.state FROM evaluation_rounds r WHERE r.cycle_id = cu.cycle_id \
           AND r.unit_id = cu.unit_id ORDER BY r.state = 'closed', r.id DESC LIMIT 1) \
           AS round_state, \
         rs.unit_id IS NOT NULL AS routine_scored, rv.status AS visit_status, \
         rc.status AS rect_status, rc.due_on AS rect_due_on \
         FROM cycle_units cu JOIN units u ON u.id = cu.unit_id \
         LEFT JOIN self_inspections si ON si.cycle_id = cu.cycle_id AND si.unit_id = cu.unit_id \
         LEFT JOIN team_units tu ON tu.cycle_id = cu.cycle_id AND tu.unit_id = cu.unit_id \
         LEFT JOIN inspection_teams t ON t.id = tu.team_id \
         LEFT JOIN scoring_records sr ON sr.cycle_id = cu.cycle_id AND sr.unit_id = cu.unit_id \
         LEFT JOIN team_reports tr ON tr.cycle_id = cu.cycle_id AND tr.unit_id = cu.unit_id \
         LEFT JOIN routine_scores rs ON rs.cycle_id = cu.cycle_id AND rs.unit_id = cu.unit_id \
         LEFT JOIN routine_visits rv ON rv.cycle_id = cu.cycle_id AND rv.unit_id = cu.unit_id \
         LEFT JOIN rectifications rc ON rc.cycle_id = cu.cycle_id AND rc.unit_id = cu.unit_id \
         WHERE cu.cycle_id = $1 AND cu.status = 'assessed' ORDER BY cu.unit_id",
    )
    .bind::<BigInt, _>(id.0)
    .load(conn)?;
    let reports: Vec<AccountabilityRow> = diesel::sql_query(
        "SELECT cu.unit_id, u.name, l.name AS leader_name, ar.status, \
         COALESCE(ar.late, false) AS late \
         FROM cycle_units cu JOIN units u ON u.id = cu.unit_id \
         JOIN leaders l ON l.unit_id = cu.unit_id AND l.is_first_responsible \
         LEFT JOIN accountability_reports ar ON ar.cycle_id = cu.cycle_id \
           AND ar.unit_id = cu.unit_id AND ar.leader_id = l.id \
         WHERE cu.cycle_id = $1 AND cu.status = 'assessed' ORDER BY cu.unit_id, l.id",
    )
    .bind::<BigInt, _>(id.0)
    .load(conn)?;
    let draw = Draw::current(conn, id, false)?;
    let results = crate::ops::results::for_cycle(
        conn,
        id,
        &crate::ops::results::ResultFilter::without_grades(),
    )?;

    let mut si = Counter::with(&DOCUMENT_COUNTS);
    si.declare(&[
        ("paper_received", "已收到纸质材料"),
        ("paper_missing", "已提交未收到纸质材料"),
    ]);
    let mut teams = Counter::with(&[("assigned", "已分配考核组"), ("unassigned", "未分配考核组")]);
    let mut sheets = Counter::with(&[
        ("not_started", "尚未评分"),
        ("open", "填写中"),
        ("awaiting_signatures", "待签署"),
        ("final", "已定稿"),
    ]);
    let mut team_reports = Counter::with(&[
        ("not_started", "尚未撰写"),
        ("open", "撰写中"),
        ("awaiting_signatures", "待签署"),
        ("final", "已定稿"),
    ]);
    let mut rounds = Counter::with(&[
        ("none", "尚未开展"),
        ("open", "进行中"),
        ("suspended", "已暂停"),
        ("closed", "已结束"),
    ]);
    let mut visits = Counter::with(&[
        ("sampled", "抽中单位"),
        ("visit_final", "走访记录已定稿"),
        ("visit_pending", "走访记录未定稿"),
    ]);
    let mut scores = Counter::with(&[("scored", "已评分"), ("unscored", "未评分")]);
    let mut outcome = Counter::with(&[
        ("complete", "结果完整"),
        ("incomplete", "结果不完整"),
        ("owes_rectification", "达到整改线须整改"),
    ]);
    for r in &results.units {
        let (u, name) = (r.unit_id.0, r.unit_name.as_str());
        if r.missing.is_empty() {
            outcome.add(
                "complete",
                u,
                name,
                r.total.as_ref().map(|t| t.to_string()).as_deref(),
            );
        } else {
            let lacks: Vec<&str> = r.missing.iter().map(|m| m.as_str()).collect();
            outcome.add("incomplete", u, name, Some(&lacks.join(", ")));
        }
        if r.owes_rectification == Some(true) {
            outcome.add("owes_rectification", u, name, None);
        }
    }
    let mut rectifications = Counter::with(&[
        ("owed", "待提交整改报告"),
        ("draft", "草稿未提交"),
        ("returned", "退回修改"),
        ("submitted", "待审核"),
        ("accepted", "已验收"),
        ("withdrawn", "已撤销"),
        ("overdue", "其中逾期"),
    ]);
    let sampled: Vec<i64> = draw
        .as_ref()
        .and_then(|d| d.sample.clone())
        .and_then(|s| serde_json::from_value::<Vec<crate::domain::draw::SampledGroup>>(s).ok())
        .unwrap_or_default()
        .into_iter()
        .flat_map(|g| g.unit_ids)
        .collect();
    for row in &units {
        let (u, name) = (row.unit_id, row.name.as_str());
        let key = document_key(row.si_status.as_deref());
        si.add(key, u, name, None);
        if key == "submitted" {
            if row.si_late {
                si.add("late", u, name, None);
            }
            let paper = if row.paper_received {
                "paper_received"
            } else {
                "paper_missing"
            };
            si.add(paper, u, name, None);
        }
        match &row.team_name {
            Some(team) => teams.add("assigned", u, name, Some(team)),
            None => teams.add("unassigned", u, name, None),
        }
        sheets.add(
            row.sheet_status.as_deref().unwrap_or("not_started"),
            u,
            name,
            row.team_name.as_deref(),
        );
        team_reports.add(
            row.report_status.as_deref().unwrap_or("not_started"),
            u,
            name,
            row.team_name.as_deref(),
        );
        rounds.add(row.round_state.as_deref().unwrap_or("none"), u, name, None);
        if sampled.contains(&u) {
            visits.add("sampled", u, name, None);
            let done = row.visit_status.as_deref() == Some("final");
            visits.add(
                if done { "visit_final" } else { "visit_pending" },
                u,
                name,
                None,
            );
        }
        let scored = if row.routine_scored {
            "scored"
        } else {
            "unscored"
        };
        scores.add(scored, u, name, None);
        if let (Some(status), Some(due)) = (row.rect_status.as_deref(), row.rect_due_on) {
            let due_text = due.to_string();
            rectifications.add(status, u, name, Some(&due_text));
            let parsed = status.parse::<crate::models::rectification::RectificationStatus>();
            if let Ok(parsed) = parsed
                && crate::ops::rectifications::is_overdue(parsed, due, now)
            {
                rectifications.add("overdue", u, name, Some(&due_text));
            }
        }
    }
    let mut accountability = Counter::with(&DOCUMENT_COUNTS);
    for row in &reports {
        let key = document_key(row.status.as_deref());
        let leader = Some(row.leader_name.as_str());
        accountability.add(key, row.unit_id, &row.name, leader);
        if key == "submitted" && row.late {
            accountability.add("late", row.unit_id, &row.name, leader);
        }
    }
    let draw_note = Some(match &draw {
        None => "尚未作出抽查承诺".to_owned(),
        Some(d) => {
            let status = if d.seed.is_some() {
                DrawStatus::Seeded
            } else {
                DrawStatus::Committed
            };
            format!(
                "当前抽查（第{}号）：{}",
                d.id.0,
                zh_label(DrawStatus::LABELS, status.as_str())
            )
        }
    });
    let next_transition = match cycle.state.next() {
        None => None,
        Some(to) => Some(match check_transition(conn, &cycle, to) {
            Ok(()) => NextTransition {
                to,
                ready: true,
                blocked_by: None,
                detail: None,
            },
            Err(
                ApiError::Conflict { code, detail } | ApiError::Incomplete { code, detail, .. },
            ) => NextTransition {
                to,
                ready: false,
                blocked_by: Some(code.to_owned()),
                detail: Some(crate::error::messages::detail(409, code, &detail)),
            },
            Err(other) => return Err(other),
        }),
    };
    Ok(Dashboard {
        cycle_id: cycle.id.0,
        year: cycle.year,
        state: cycle.state,
        as_of: now,
        assessed_units: i64::try_from(units.len()).unwrap_or(i64::MAX),
        stages: vec![
            si.stage(StageKey::SelfInspections, None),
            accountability.stage(StageKey::AccountabilityReports, None),
            teams.stage(StageKey::Teams, None),
            sheets.stage(StageKey::ScoringRecords, None),
            team_reports.stage(StageKey::TeamReports, None),
            rounds.stage(StageKey::EvaluationRounds, None),
            visits.stage(StageKey::RoutineDraw, draw_note),
            scores.stage(StageKey::RoutineScores, None),
            outcome.stage(StageKey::Results, None),
            rectifications.stage(
                StageKey::Rectifications,
                (!crate::ops::results::published(&cycle)).then(|| "结果尚未通报".to_owned()),
            ),
        ],
        next_transition,
    })
}

impl Dashboard {
    /// The dashboard as one table: stage, count, number, the units behind it.
    pub fn document(&self, county: &str) -> Document {
        let title = format!("{}年度考核进度", self.year);
        let mut rows = Vec::new();
        for stage in &self.stages {
            if let Some(note) = &stage.note {
                rows.push(vec![
                    Cell::from(stage.label),
                    Cell::from("状态"),
                    Cell::Empty,
                    Cell::from(note.as_str()),
                ]);
            }
            for count in &stage.counts {
                let units: Vec<String> = count
                    .units
                    .iter()
                    .map(|u| match &u.note {
                        Some(note) => format!("{}（{note}）", u.name),
                        None => u.name.clone(),
                    })
                    .collect();
                rows.push(vec![
                    Cell::from(stage.label),
                    Cell::from(count.label),
                    Cell::Count(count.count),
                    Cell::Text(units.join("、")),
                ]);
            }
        }
        if let Some(next) = &self.next_transition {
            let state = zh_label(CycleState::LABELS, next.to.as_str());
            let verdict = match &next.detail {
                None => "可以推进".to_owned(),
                Some(detail) => format!("受阻：{detail}"),
            };
            rows.push(vec![
                Cell::from("下一阶段"),
                Cell::Text(format!("推进至「{state}」")),
                Cell::Empty,
                Cell::Text(verdict),
            ]);
        }
        Document {
            title: format!(
                "{}　考核进度（{}）",
                heading_of(county, self.year),
                zh_label(CycleState::LABELS, self.state.as_str())
            ),
            file_stem: format!("{county}{title}"),
            as_of: self.as_of,
            sheets: vec![Sheet {
                name: "考核进度".to_owned(),
                headers: ["阶段", "事项", "数量", "单位"].map(str::to_owned).to_vec(),
                widths: vec![16.0, 22.0, 8.0, 80.0],
                rows,
                chart: None,
            }],
        }
    }
}

/// The first words of every report's title: `阳山县2014年度党风廉政建设责任制考核`.
pub fn heading_of(county: &str, year: i32) -> String {
    format!("{county}{year}年度党风廉政建设责任制考核")
}

// ---------------------------------------------------------------------------------------------
// Leader grades
// ---------------------------------------------------------------------------------------------

/// One leader and their grade.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaderGradeLine {
    /// The leader.
    #[schema(example = 28)]
    pub leader_id: i64,
    /// Their name (as graded, for a leader since removed from the registry).
    #[schema(example = "李明")]
    pub name: String,
    /// Their position (empty for a leader since removed).
    #[schema(example = "镇党委书记")]
    pub position: String,
    /// Whether they are a first responsible person.
    pub first_responsible: bool,
    /// Their grade for the cycle; none until the office sets it.
    pub grade: Option<Grade>,
}

/// One unit's leaders and their grades.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitGrades {
    /// The unit.
    #[schema(example = 7)]
    pub unit_id: i64,
    /// Its name.
    #[schema(example = "青莲镇")]
    pub name: String,
    /// Its kind.
    pub kind: UnitKind,
    /// Its leaders, first responsible persons first.
    pub leaders: Vec<LeaderGradeLine>,
}

/// How many leaders have each grade.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct GradeTotals {
    /// 好.
    pub good: i64,
    /// 较好.
    pub fairly_good: i64,
    /// 一般.
    pub average: i64,
    /// 差.
    pub poor: i64,
    /// Not graded yet.
    pub ungraded: i64,
}

/// 班子成员评定等次 (the leader grades of a cycle, by unit).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaderGradesReport {
    /// The cycle.
    #[schema(example = 1)]
    pub cycle_id: i64,
    /// Its year.
    #[schema(example = 2014)]
    pub year: i32,
    /// When the data was read.
    pub as_of: DateTime<Utc>,
    /// How many leaders have each grade.
    pub totals: GradeTotals,
    /// Every assessed unit, by id, with its leaders.
    pub units: Vec<UnitGrades>,
}

#[derive(QueryableByName)]
struct GradeRow {
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    unit_name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    leader_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    leader_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    position: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    first_responsible: Option<bool>,
    #[diesel(sql_type = Nullable<Text>)]
    grade: Option<String>,
}

/// The leader grades of cycle `id`, read at `now`, in two queries: every assessed unit's
/// current leaders with their grades, and the leaders graded and since removed.
pub fn leader_grades(
    conn: &mut PgConnection,
    id: CycleId,
    now: DateTime<Utc>,
) -> Result<LeaderGradesReport, ApiError> {
    let cycle = find_cycle(conn, id)?;
    let rows: Vec<GradeRow> = diesel::sql_query(
        "SELECT cu.unit_id, u.name AS unit_name, u.kind, x.leader_id, x.leader_name, \
         x.position, x.first_responsible, x.grade \
         FROM cycle_units cu JOIN units u ON u.id = cu.unit_id \
         LEFT JOIN LATERAL ( \
           SELECT l.id AS leader_id, l.name AS leader_name, l.position, \
             l.is_first_responsible AS first_responsible, g.grade \
           FROM leaders l LEFT JOIN leader_grades g ON g.cycle_id = cu.cycle_id \
             AND g.unit_id = l.unit_id AND g.leader_id = l.id \
           WHERE l.unit_id = cu.unit_id \
           UNION ALL \
           SELECT g.leader_id, g.leader_name, '' AS position, false, g.grade \
           FROM leader_grades g WHERE g.cycle_id = cu.cycle_id AND g.unit_id = cu.unit_id \
             AND NOT EXISTS (SELECT 1 FROM leaders l WHERE l.id = g.leader_id \
               AND l.unit_id = g.unit_id) \
         ) x ON true \
         WHERE cu.cycle_id = $1 AND cu.status = 'assessed' \
         ORDER BY cu.unit_id, x.first_responsible DESC, x.leader_id",
    )
    .bind::<BigInt, _>(id.0)
    .load(conn)?;
    let mut units: Vec<UnitGrades> = Vec::new();
    let mut totals = GradeTotals::default();
    for row in rows {
        if units.last().is_none_or(|u| u.unit_id != row.unit_id) {
            units.push(UnitGrades {
                unit_id: row.unit_id,
                name: row.unit_name.clone(),
                kind: row.kind.parse().map_err(ApiError::internal)?,
                leaders: Vec::new(),
            });
        }
        let (Some(leader_id), Some(name), Some(unit)) =
            (row.leader_id, row.leader_name, units.last_mut())
        else {
            continue;
        };
        let grade: Option<Grade> = row
            .grade
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(ApiError::internal)?;
        match grade {
            Some(Grade::Good) => totals.good += 1,
            Some(Grade::FairlyGood) => totals.fairly_good += 1,
            Some(Grade::Average) => totals.average += 1,
            Some(Grade::Poor) => totals.poor += 1,
            None => totals.ungraded += 1,
        }
        unit.leaders.push(LeaderGradeLine {
            leader_id,
            name,
            position: row.position.unwrap_or_default(),
            first_responsible: row.first_responsible.unwrap_or(false),
            grade,
        });
    }
    Ok(LeaderGradesReport {
        cycle_id: cycle.id.0,
        year: cycle.year,
        as_of: now,
        totals,
        units,
    })
}

impl LeaderGradesReport {
    /// The grades as two tables: one line per leader, and the totals by grade.
    pub fn document(&self, county: &str) -> Document {
        let mut rows = Vec::new();
        for unit in &self.units {
            let kind = zh_label(UnitKind::LABELS, unit.kind.as_str());
            if unit.leaders.is_empty() {
                rows.push(vec![
                    Cell::from(unit.name.as_str()),
                    Cell::from(kind),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                ]);
            }
            for leader in &unit.leaders {
                let grade = leader
                    .grade
                    .map_or("未评定", |g| zh_label(Grade::LABELS, g.as_str()));
                rows.push(vec![
                    Cell::from(unit.name.as_str()),
                    Cell::from(kind),
                    Cell::from(leader.name.as_str()),
                    Cell::from(leader.position.as_str()),
                    Cell::from(grade),
                ]);
            }
        }
        let t = &self.totals;
        let totals = [
            ("好", t.good),
            ("较好", t.fairly_good),
            ("一般", t.average),
            ("差", t.poor),
            ("未评定", t.ungraded),
        ]
        .into_iter()
        .map(|(label, n)| vec![Cell::from(label), Cell::Count(n)])
        .collect();
        Document {
            title: format!("{}　班子成员评定等次", heading_of(county, self.year)),
            file_stem: format!("{county}{}年度班子成员评定等次", self.year),
            as_of: self.as_of,
            sheets: vec![
                Sheet {
                    name: "班子成员评定等次".to_owned(),
                    headers: ["单位", "单位类型", "班子成员", "职务", "评定等次"]
                        .map(str::to_owned)
                        .to_vec(),
                    widths: vec![24.0, 12.0, 12.0, 24.0, 10.0],
                    rows,
                    chart: None,
                },
                Sheet {
                    name: "等次统计".to_owned(),
                    headers: ["评定等次", "人数"].map(str::to_owned).to_vec(),
                    widths: vec![12.0, 10.0],
                    rows: totals,
                    chart: None,
                },
            ],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Content-area analysis
// ---------------------------------------------------------------------------------------------

/// Points available and lost over a group of final sheets.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Loss {
    /// How many units' final sheets.
    #[schema(example = 12)]
    pub units: i64,
    /// The points the items of the area were worth, summed over those sheets.
    pub max_points: Amount,
    /// The points deducted from them.
    pub lost_points: Amount,
    /// Lost as a percentage of the points available (two decimals, half to even).
    pub share: Amount,
}

impl Loss {
    fn new(units: i64, max: BigDecimal, lost: BigDecimal) -> Self {
        Self {
            units,
            share: Amount::percent(&lost, &max),
            max_points: Amount(max),
            lost_points: Amount(lost),
        }
    }
}

/// A kind of unit's losses in one area.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KindLoss {
    /// The kind.
    pub kind: UnitKind,
    /// Its losses.
    #[serde(flatten)]
    pub loss: Loss,
}

/// One content area's losses, overall and by kind of unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaLoss {
    /// The area (1 to 7, plan §3).
    #[schema(example = 2)]
    pub content_area: i16,
    /// Its Chinese name.
    #[schema(example = "党政领导干部廉洁自律情况")]
    pub name: &'static str,
    /// Over every final sheet.
    pub overall: Loss,
    /// By kind of unit (the kinds with final sheets).
    pub by_kind: Vec<KindLoss>,
}

/// One item of a form and the points it lost county-wide.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemLoss {
    /// The form it belongs to.
    pub form_kind: FormKind,
    /// The item's code.
    #[schema(example = "2.1")]
    pub item_code: String,
    /// Its title.
    pub title: String,
    /// Its content area.
    #[schema(example = 2)]
    pub content_area: i16,
    /// How many final sheets score it.
    #[schema(example = 12)]
    pub units: i64,
    /// How many of them lost points on it.
    #[schema(example = 3)]
    pub units_losing: i64,
    /// The points it was worth, summed over those sheets.
    pub max_points: Amount,
    /// The points it lost.
    pub lost_points: Amount,
    /// Lost as a percentage of the points available.
    pub share: Amount,
}

/// 考核内容失分分析 (the content-area analysis): where the points were lost, from the final
/// sheets; the office's basis for next year's priorities (plan §5).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContentAreaReport {
    /// The cycle.
    #[schema(example = 1)]
    pub cycle_id: i64,
    /// Its year.
    #[schema(example = 2014)]
    pub year: i32,
    /// When the data was read.
    pub as_of: DateTime<Utc>,
    /// How many final sheets the analysis counts.
    #[schema(example = 12)]
    pub final_sheets: i64,
    /// The seven areas, in order.
    pub areas: Vec<AreaLoss>,
    /// The items that lost most points county-wide (at most [`TOP_ITEMS`]), most first.
    pub top_items: Vec<ItemLoss>,
}

/// How many items the analysis lists.
pub const TOP_ITEMS: i64 = 10;

#[derive(QueryableByName)]
struct AreaRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Int2)]
    content_area: i16,
    #[diesel(sql_type = BigInt)]
    units: i64,
    #[diesel(sql_type = Numeric)]
    max_points: BigDecimal,
    #[diesel(sql_type = Numeric)]
    lost: BigDecimal,
}

#[derive(QueryableByName)]
struct ItemRow {
    #[diesel(sql_type = Text)]
    form_kind: String,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Int2)]
    content_area: i16,
    #[diesel(sql_type = BigInt)]
    units: i64,
    #[diesel(sql_type = BigInt)]
    units_losing: i64,
    #[diesel(sql_type = Numeric)]
    max_points: BigDecimal,
    #[diesel(sql_type = Numeric)]
    lost: BigDecimal,
}

/// Each final sheet's items, from the form of its unit: an item without a row of the team
/// keeps its maximum.
const FINAL_ITEMS: &str = "FROM scoring_records sr \
     JOIN cycle_units cu ON cu.cycle_id = sr.cycle_id AND cu.unit_id = sr.unit_id \
     JOIN units u ON u.id = sr.unit_id \
     JOIN scoring_forms f ON f.cycle_id = sr.cycle_id AND f.form_kind = cu.form_kind \
     JOIN form_items fi ON fi.form_id = f.id \
     LEFT JOIN record_items ri ON ri.record_id = sr.id AND ri.item_code = fi.code \
     WHERE sr.cycle_id = $1 AND sr.status = 'final'";

/// The content-area analysis of cycle `id`, read at `now`, in three queries.
pub fn content_areas(
    conn: &mut PgConnection,
    id: CycleId,
    now: DateTime<Utc>,
) -> Result<ContentAreaReport, ApiError> {
    let cycle = find_cycle(conn, id)?;
    let rows: Vec<AreaRow> = diesel::sql_query(format!(
        "SELECT u.kind, fi.content_area, count(DISTINCT sr.id) AS units, \
         sum(fi.max_points) AS max_points, \
         sum(fi.max_points - COALESCE(ri.points, fi.max_points)) AS lost \
         {FINAL_ITEMS} GROUP BY u.kind, fi.content_area"
    ))
    .bind::<BigInt, _>(id.0)
    .load(conn)?;
    let items: Vec<ItemRow> = diesel::sql_query(format!(
        "SELECT f.form_kind, fi.code, fi.title, fi.content_area, count(*) AS units, \
         count(*) FILTER (WHERE ri.points < fi.max_points) AS units_losing, \
         sum(fi.max_points) AS max_points, \
         sum(fi.max_points - COALESCE(ri.points, fi.max_points)) AS lost \
         {FINAL_ITEMS} GROUP BY f.form_kind, fi.code, fi.title, fi.content_area \
         HAVING sum(fi.max_points - COALESCE(ri.points, fi.max_points)) > 0 \
         ORDER BY lost DESC, f.form_kind, fi.code LIMIT {TOP_ITEMS}"
    ))
    .bind::<BigInt, _>(id.0)
    .load(conn)?;
    let final_sheets: i64 = crate::schema::scoring_records::table
        .filter(crate::schema::scoring_records::cycle_id.eq(id))
        .filter(crate::schema::scoring_records::status.eq("final"))
        .count()
        .get_result(conn)?;
    let kinds_in_order = [
        UnitKind::Town,
        UnitKind::CountyDepartment,
        UnitKind::CountyEnterprise,
    ];
    let mut areas = Vec::new();
    for (area, name) in CONTENT_AREAS {
        let mut by_kind = Vec::new();
        let (mut units, mut max, mut lost) = (0, BigDecimal::zero(), BigDecimal::zero());
        for kind in kinds_in_order {
            let Some(row) = rows
                .iter()
                .find(|r| r.content_area == area && r.kind == kind.as_str())
            else {
                continue;
            };
            units += row.units;
            max += &row.max_points;
            lost += &row.lost;
            by_kind.push(KindLoss {
                kind,
                loss: Loss::new(row.units, row.max_points.clone(), row.lost.clone()),
            });
        }
        areas.push(AreaLoss {
            content_area: area,
            name,
            overall: Loss::new(units, max, lost),
            by_kind,
        });
    }
    let top_items = items
        .into_iter()
        .map(|row| {
            Ok(ItemLoss {
                form_kind: row.form_kind.parse().map_err(ApiError::internal)?,
                item_code: row.code,
                title: row.title,
                content_area: row.content_area,
                units: row.units,
                units_losing: row.units_losing,
                share: Amount::percent(&row.lost, &row.max_points),
                max_points: Amount(row.max_points),
                lost_points: Amount(row.lost),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(ContentAreaReport {
        cycle_id: cycle.id.0,
        year: cycle.year,
        as_of: now,
        final_sheets,
        areas,
        top_items,
    })
}

/// The kinds of unit a content-area table has a column for: towns and county departments
/// always, enterprises when any has a final sheet.
fn analysis_kinds(report: &ContentAreaReport) -> Vec<UnitKind> {
    let mut kinds = vec![UnitKind::Town, UnitKind::CountyDepartment];
    let enterprises = report
        .areas
        .iter()
        .flat_map(|a| &a.by_kind)
        .any(|k| k.kind == UnitKind::CountyEnterprise);
    if enterprises {
        kinds.push(UnitKind::CountyEnterprise);
    }
    kinds
}

impl ContentAreaReport {
    /// The analysis as two tables: the seven areas (share lost overall and by kind, with a
    /// chart of the shares), and the items that lost most.
    pub fn document(&self, county: &str) -> Document {
        let kinds = analysis_kinds(self);
        let mut headers: Vec<String> = ["考核内容", "应得分合计", "失分合计", "总体失分率（%）"]
            .map(str::to_owned)
            .to_vec();
        for kind in &kinds {
            let label = zh_label(UnitKind::LABELS, kind.as_str());
            headers.push(format!("{label}失分率（%）"));
        }
        let rows = self
            .areas
            .iter()
            .map(|area| {
                let mut row = vec![
                    Cell::Text(format!("{}. {}", area.content_area, area.name)),
                    Cell::Number(area.overall.max_points.clone()),
                    Cell::Number(area.overall.lost_points.clone()),
                    Cell::Number(area.overall.share.clone()),
                ];
                for kind in &kinds {
                    let share = area
                        .by_kind
                        .iter()
                        .find(|k| k.kind == *kind)
                        .map_or_else(Amount::zero, |k| k.loss.share.clone());
                    row.push(Cell::Number(share));
                }
                row
            })
            .collect();
        let series = (3..u16::try_from(headers.len()).unwrap_or(4)).collect();
        let items = self
            .top_items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                vec![
                    Cell::Count(i64::try_from(i).unwrap_or(0) + 1),
                    Cell::from(zh_label(FormKind::LABELS, item.form_kind.as_str())),
                    Cell::from(item.item_code.as_str()),
                    Cell::from(item.title.as_str()),
                    Cell::Count(i64::from(item.content_area)),
                    Cell::Count(item.units_losing),
                    Cell::Number(item.lost_points.clone()),
                    Cell::Number(item.share.clone()),
                ]
            })
            .collect();
        Document {
            title: format!(
                "{}　考核内容失分分析（定稿评分表{}份）",
                heading_of(county, self.year),
                self.final_sheets
            ),
            file_stem: format!("{county}{}年度考核内容失分分析", self.year),
            as_of: self.as_of,
            sheets: vec![
                Sheet {
                    name: "考核内容失分".to_owned(),
                    headers,
                    widths: vec![40.0, 12.0, 12.0, 14.0],
                    rows,
                    chart: Some(ChartSpec {
                        kind: ChartKind::Column,
                        title: "各项考核内容失分率".to_owned(),
                        value_axis: "失分率（%）".to_owned(),
                        categories: 0,
                        series,
                    }),
                },
                Sheet {
                    name: "失分最多的考评项目".to_owned(),
                    headers: [
                        "序号",
                        "考评表",
                        "项目编号",
                        "考评项目",
                        "考核内容",
                        "失分单位数",
                        "失分合计",
                        "失分率（%）",
                    ]
                    .map(str::to_owned)
                    .to_vec(),
                    widths: vec![6.0, 14.0, 10.0, 50.0, 10.0, 10.0, 10.0, 12.0],
                    rows: items,
                    chart: None,
                },
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dashboard_count_key_is_declared() {
        assert_eq!(document_key(None), "missing");
        assert_eq!(document_key(Some("submitted")), "submitted");
        assert_eq!(document_key(Some("returned")), "returned");
        assert_eq!(document_key(Some("draft")), "draft");
        assert!(DOCUMENT_COUNTS.iter().all(|(k, _)| !k.is_empty()));
        let counter = Counter::with(&DOCUMENT_COUNTS);
        assert_eq!(counter.counts.len(), 5);
    }
}
