//! The caller's to-do list (待办事项, issue 17 §2): what each role owes in the open cycles,
//! computed in a fixed number of queries whatever the county's size: one for the cycles, then
//! one per kind of source (a unit's documents, a team's units, the office's units), and the
//! transition guards once per open cycle. The routine inspection's, the rectification's and the
//! acknowledgement's tasks are columns of those queries; a new source is one more query and one
//! more `collect_*` call in [`for_caller`].
//!
//! Due dates and overdue flags are read against the application's [`Clock`](crate::clock),
//! never SQL `now()`.
//!
//! The same queries, without the caller's filter, give every recipient's tasks at once
//! ([`for_everyone`]): what `ops/outbox.rs` compares with the task states after each write.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Nullable, Text, Timestamptz};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{AuthUser, Role};
use crate::domain::calendar::is_late;
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::models::cycle::Cycle;
use crate::ops::cycles::check_transition;
use crate::schema::assessment_cycles;

crate::text_enum! {
    /// What a task asks for.
    pub enum TaskKind {
        /// 提交自查报告 (the unit submits its self-inspection, or resubmits a returned one)
        SubmitSelfInspection => "submit_self_inspection",
        /// 提交述责报告 (the unit submits a first responsible person's accountability report)
        SubmitAccountabilityReport => "submit_accountability_report",
        /// 完成评分表 (the team scores a unit and submits the sheet for signature)
        ScoreUnit => "score_unit",
        /// 签署评分表 (the inspector signs a sheet waiting for their signature)
        SignScoringRecord => "sign_scoring_record",
        /// 撰写考核报告 (the team writes and submits a unit's assessment report)
        WriteTeamReport => "write_team_report",
        /// 签署考核报告 (the inspector signs a team report waiting for their signature)
        SignTeamReport => "sign_team_report",
        /// 开启民主测评 (the team opens a unit's democratic evaluation round)
        OpenEvaluationRound => "open_evaluation_round",
        /// 结束民主测评 (the team or the office closes a round still open)
        CloseEvaluationRound => "close_evaluation_round",
        /// 催交自查报告 (a unit's self-inspection is not submitted)
        SelfInspectionMissing => "self_inspection_missing",
        /// 登记纸质材料 (a submitted self-inspection's paper copy is not received)
        PaperCopyMissing => "paper_copy_missing",
        /// 分配考核组 (an assessed unit has no inspection team)
        AssignTeam => "assign_team",
        /// 催交考核报告 (a unit's sheet is final but its team report is not)
        TeamReportPending => "team_report_pending",
        /// 推进考核阶段 (the cycle may move to its next state)
        AdvanceCycle => "advance_cycle",
        /// 阶段推进受阻 (what still blocks the cycle's next state)
        CycleBlocked => "cycle_blocked",
        /// 回执考核结果 (the unit acknowledges its published result; issue 17)
        AcknowledgeResult => "acknowledge_result",
        /// 提交整改说明及整改方案 (the unit submits its rectification, or resubmits a returned one)
        SubmitRectification => "submit_rectification",
        /// 验收整改 (a submitted rectification waits for the office's acceptance)
        AcceptRectification => "accept_rectification",
        /// 录入日常考核得分 (an assessed unit has no routine score, which publication needs)
        EnterRoutineScore => "enter_routine_score",
        /// 催办日常考核走访记录 (a sampled unit's visit record is not final yet)
        RoutineVisitPending => "routine_visit_pending",
    }
}

/// One open task of the caller.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Task {
    /// What it asks for.
    pub kind: TaskKind,
    /// Its title in Chinese, for the to-do list.
    #[schema(example = "提交2014年度自查报告")]
    pub title: String,
    /// The cycle it belongs to.
    #[schema(example = 1)]
    pub cycle_id: i64,
    /// The unit it concerns, if one.
    #[schema(example = 7)]
    pub unit_id: Option<i64>,
    /// The unit's name, if one.
    #[schema(example = "阳城镇")]
    pub unit_name: Option<String>,
    /// The API path of the resource it concerns.
    #[schema(example = "/api/v1/assessment-cycles/1/units/7/self-inspection")]
    pub resource: String,
    /// Its due date (the end of that day, Asia/Shanghai), if it has one.
    pub due: Option<NaiveDate>,
    /// Whether its due date has passed.
    pub overdue: bool,
    /// When what it concerns last changed: the order of tasks with the same due date.
    pub since: DateTime<Utc>,
}

/// Whose task it is, as the OA portal is told (issue 17 §4): the office, a unit (the service
/// knows no unit user's `sub`), or an inspector by their token's `sub`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Recipient {
    /// The county's discipline office.
    Office,
    /// Whoever acts for the unit.
    Unit(i64),
    /// One inspector.
    Inspector(String),
}

/// The caller's open tasks, sorted by due date (none last), then by `since`.
pub fn for_caller(
    conn: &mut PgConnection,
    user: &AuthUser,
    now: DateTime<Utc>,
) -> Result<Vec<Task>, ApiError> {
    let mut items: Vec<Task> = match user.role {
        Role::Unit => match user.unit_id {
            Some(unit) => gather(conn, Some(Whom::Unit(unit.0)), None, now)?,
            None => Vec::new(),
        },
        Role::Inspector => gather(conn, Some(Whom::Inspector(&user.sub)), None, now)?,
        Role::Office => gather(conn, Some(Whom::Office), None, now)?,
    }
    .into_iter()
    .map(|(_, task)| task)
    .collect();
    items.sort_by(|a, b| {
        (
            a.due.is_none(),
            a.due,
            a.since,
            a.cycle_id,
            a.unit_id,
            a.kind.as_str(),
        )
            .cmp(&(
                b.due.is_none(),
                b.due,
                b.since,
                b.cycle_id,
                b.unit_id,
                b.kind.as_str(),
            ))
    });
    Ok(items)
}

/// Every recipient's open tasks, in the same fixed number of queries as one caller's: the
/// units' documents, every inspector's team units, the office's units and the transitions.
pub fn for_everyone(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> Result<Vec<(Recipient, Task)>, ApiError> {
    gather(conn, None, None, now)
}

/// Every recipient's open tasks about one unit in one cycle: the tasks of [`for_everyone`]
/// whose resource is under [`unit_resources`], and (among them too) some of the office's tasks
/// of the whole cycle, which the caller leaves aside. What `ops/outbox.rs` compares after a
/// write that changed only that unit's documents of that cycle; each source's query is the
/// same, narrowed to the unit.
pub fn for_unit(
    conn: &mut PgConnection,
    cycle: i64,
    unit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<(Recipient, Task)>, ApiError> {
    gather(conn, None, Some(Narrow::Unit(cycle, unit)), now)
}

/// The cycle's transition task (its resource is [`transitions_path`]), as [`for_everyone`]
/// gives it: none for an archived cycle.
pub fn for_transition(
    conn: &mut PgConnection,
    cycle: i64,
    now: DateTime<Utc>,
) -> Result<Vec<(Recipient, Task)>, ApiError> {
    gather(conn, None, Some(Narrow::Transition(cycle)), now)
}

/// Part of everyone's tasks: one unit's in one cycle, or one cycle's transition.
#[derive(Clone, Copy)]
enum Narrow {
    Unit(i64, i64),
    Transition(i64),
}

/// One recipient's tasks, or (`None`) everyone's.
#[derive(Clone, Copy)]
enum Whom<'a> {
    Office,
    Unit(i64),
    Inspector(&'a str),
}

/// `narrow`: only the tasks of one unit in one cycle, or only a cycle's transition task.
fn gather(
    conn: &mut PgConnection,
    whom: Option<Whom<'_>>,
    narrow: Option<Narrow>,
    now: DateTime<Utc>,
) -> Result<Vec<(Recipient, Task)>, ApiError> {
    let cycles: Vec<Cycle> = assessment_cycles::table
        .filter(assessment_cycles::state.ne_all(["archived"]))
        .order(assessment_cycles::id.asc())
        .select(Cycle::as_select())
        .load(conn)?;
    let open: Vec<&Cycle> = cycles
        .iter()
        .filter(|c| c.state != CycleState::Draft)
        .collect();
    let ids: Vec<i64> = open.iter().map(|c| c.id.0).collect();
    let mut list = Tasks {
        now,
        cycles: &cycles,
        items: Vec::new(),
    };
    match narrow {
        None => {}
        Some(Narrow::Unit(cycle, unit)) => {
            let ids: Vec<i64> = ids.into_iter().filter(|id| *id == cycle).collect();
            collect_self_inspection(conn, &mut list, Some(unit), &ids)?;
            collect_accountability(conn, &mut list, Some(unit), &ids)?;
            collect_team(conn, &mut list, None, Some(unit), &ids)?;
            collect_office_units(conn, &mut list, Some(unit), &ids)?;
            return Ok(list.items);
        }
        Some(Narrow::Transition(cycle)) => {
            collect_transitions(conn, &mut list, Some(cycle))?;
            return Ok(list.items);
        }
    }
    // Each source runs for its own recipient, or (no one named) for all of them.
    let (units, inspectors, office) = match whom {
        None => (Some(None), Some(None), true),
        Some(Whom::Unit(unit)) => (Some(Some(unit)), None, false),
        Some(Whom::Inspector(sub)) => (None, Some(Some(sub)), false),
        Some(Whom::Office) => (None, None, true),
    };
    if let Some(unit) = units {
        collect_self_inspection(conn, &mut list, unit, &ids)?;
        collect_accountability(conn, &mut list, unit, &ids)?;
    }
    if let Some(sub) = inspectors {
        collect_team(conn, &mut list, sub, None, &ids)?;
    }
    if office {
        collect_office_units(conn, &mut list, None, &ids)?;
        collect_transitions(conn, &mut list, None)?;
    }
    Ok(list.items)
}

/// The list being gathered, with what every task needs: the clock and the cycles.
struct Tasks<'a> {
    now: DateTime<Utc>,
    cycles: &'a [Cycle],
    items: Vec<(Recipient, Task)>,
}

/// Where a task points, and whose it is.
struct At<'a> {
    to: Recipient,
    cycle_id: i64,
    unit: Option<(i64, &'a str)>,
    resource: String,
    since: DateTime<Utc>,
}

impl Tasks<'_> {
    fn cycle(&self, id: i64) -> Option<&Cycle> {
        self.cycles.iter().find(|c| c.id.0 == id)
    }

    fn push(&mut self, kind: TaskKind, title: String, at: At<'_>, due: Option<NaiveDate>) {
        let task = Task {
            kind,
            title,
            cycle_id: at.cycle_id,
            unit_id: at.unit.map(|(id, _)| id),
            unit_name: at.unit.map(|(_, name)| name.to_owned()),
            resource: at.resource,
            due,
            overdue: due.is_some_and(|d| is_late(d, self.now)),
            since: at.since,
        };
        self.items.push((at.to, task));
    }
}

fn unit_path(cycle_id: i64, unit_id: i64, rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/{rest}")
}

/// What every resource of a unit's tasks in a cycle starts with: no other task's does (the
/// office's tasks of a whole cycle, such as assigning teams, point at the cycle's lists).
pub fn unit_resources(cycle_id: i64, unit_id: i64) -> String {
    unit_path(cycle_id, unit_id, "")
}

/// The resource of a cycle's transition task ([`TaskKind::AdvanceCycle`] or
/// [`TaskKind::CycleBlocked`]).
pub fn transitions_path(cycle_id: i64) -> String {
    format!("/api/v1/assessment-cycles/{cycle_id}/transitions")
}

fn writable_by_units(state: CycleState) -> bool {
    matches!(
        state,
        CycleState::SelfInspection | CycleState::SpecialInspection
    )
}

#[derive(QueryableByName)]
struct UnitDocRow {
    #[diesel(sql_type = BigInt)]
    cycle_id: i64,
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    unit_name: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    leader_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    leader_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    status: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    since: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    rect_status: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    rect_due: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    rect_since: Option<DateTime<Utc>>,
    /// The cycle's latest publication (the self-inspection statement only).
    #[diesel(sql_type = Nullable<Timestamptz>)]
    published: Option<DateTime<Utc>>,
    /// Whether the unit acknowledged it.
    #[diesel(sql_type = Bool)]
    acknowledged: bool,
}

/// A published cycle's result that the unit has not acknowledged (回执): no due date; done
/// when acknowledged, and back after a republication (a newer `published` transition).
fn collect_acknowledgement(
    list: &mut Tasks<'_>,
    cycle: &Cycle,
    row: &UnitDocRow,
    published: Option<DateTime<Utc>>,
    acknowledged: bool,
) {
    let Some(since) = published else {
        return;
    };
    if cycle.state != CycleState::Published || acknowledged {
        return;
    }
    let at = At {
        to: Recipient::Unit(row.unit_id),
        cycle_id: row.cycle_id,
        unit: Some((row.unit_id, &row.unit_name)),
        resource: unit_path(row.cycle_id, row.unit_id, "result/acknowledgement"),
        since,
    };
    list.push(
        TaskKind::AcknowledgeResult,
        format!("回执{}年度考核结果", cycle.year),
        at,
        None,
    );
}

/// A unit's self-inspection in each open cycle assessing it: not submitted, or returned; and
/// its rectification in a published cycle: owed, a draft, or returned. Every unit's when `unit`
/// is `None`.
fn collect_self_inspection(
    conn: &mut PgConnection,
    list: &mut Tasks<'_>,
    unit: Option<i64>,
    cycles: &[i64],
) -> Result<(), ApiError> {
    // The same statement says whether the unit acknowledged the cycle's latest publication
    // (`published`: its transition's time), for [`collect_acknowledgement`].
    let rows: Vec<UnitDocRow> = diesel::sql_query(
        "SELECT cu.cycle_id, cu.unit_id, u.name AS unit_name, NULL::int8 AS leader_id, \
         NULL::text AS leader_name, si.status, COALESCE(si.updated_at, cu.updated_at) AS since, \
         r.status AS rect_status, r.due_on AS rect_due, r.updated_at AS rect_since, \
         lp.occurred_at AS published, EXISTS (SELECT 1 FROM result_acknowledgements ra \
           WHERE ra.cycle_id = cu.cycle_id AND ra.unit_id = cu.unit_id \
           AND ra.transition_id = lp.id) AS acknowledged \
         FROM cycle_units cu JOIN units u ON u.id = cu.unit_id \
         LEFT JOIN self_inspections si ON si.cycle_id = cu.cycle_id AND si.unit_id = cu.unit_id \
         LEFT JOIN rectifications r ON r.cycle_id = cu.cycle_id AND r.unit_id = cu.unit_id \
         LEFT JOIN LATERAL (SELECT t.id, t.occurred_at FROM cycle_transitions t \
           WHERE t.cycle_id = cu.cycle_id AND t.to_state = 'published' \
           ORDER BY t.id DESC LIMIT 1) lp ON true \
         WHERE ($1::int8 IS NULL OR cu.unit_id = $1) AND cu.status = 'assessed' \
         AND cu.cycle_id = ANY($2) ORDER BY cu.unit_id, cu.cycle_id",
    )
    .bind::<Nullable<BigInt>, _>(unit)
    .bind::<Array<BigInt>, _>(cycles)
    .load(conn)?;
    for row in rows {
        let unit_id = row.unit_id;
        let Some(cycle) = list.cycle(row.cycle_id).cloned() else {
            continue;
        };
        collect_acknowledgement(list, &cycle, &row, row.published, row.acknowledged);
        push_rectification(list, &cycle, &row);
        if !writable_by_units(cycle.state) {
            continue;
        }
        let title = match row.status.as_deref() {
            Some("submitted") => continue,
            Some("returned") => format!("修改并重新提交{}年度自查报告", cycle.year),
            _ => format!("提交{}年度自查报告", cycle.year),
        };
        let at = At {
            to: Recipient::Unit(unit_id),
            cycle_id: row.cycle_id,
            unit: Some((unit_id, &row.unit_name)),
            resource: unit_path(row.cycle_id, unit_id, "self-inspection"),
            since: row.since,
        };
        list.push(
            TaskKind::SubmitSelfInspection,
            title,
            at,
            Some(cycle.self_inspection_due),
        );
    }
    Ok(())
}

/// The unit's rectification while its cycle is published: owed, a draft, or returned, due on
/// its own date.
fn push_rectification(list: &mut Tasks<'_>, cycle: &Cycle, row: &UnitDocRow) {
    let (Some(status), Some(due), Some(since)) = (&row.rect_status, row.rect_due, row.rect_since)
    else {
        return;
    };
    if cycle.state != CycleState::Published {
        return;
    }
    let title = match status.as_str() {
        "owed" | "draft" => format!("提交{}年度整改说明及整改方案", cycle.year),
        "returned" => format!("修改并重新提交{}年度整改说明及整改方案", cycle.year),
        _ => return,
    };
    let at = At {
        to: Recipient::Unit(row.unit_id),
        cycle_id: row.cycle_id,
        unit: Some((row.unit_id, &row.unit_name)),
        resource: unit_path(row.cycle_id, row.unit_id, "rectification"),
        since,
    };
    list.push(TaskKind::SubmitRectification, title, at, Some(due));
}

/// The accountability report of each first responsible person of the unit, in each open cycle
/// assessing it: missing, a draft, or returned. Every unit's when `unit` is `None`.
fn collect_accountability(
    conn: &mut PgConnection,
    list: &mut Tasks<'_>,
    unit: Option<i64>,
    cycles: &[i64],
) -> Result<(), ApiError> {
    let rows: Vec<UnitDocRow> = diesel::sql_query(
        "SELECT cu.cycle_id, cu.unit_id, u.name AS unit_name, l.id AS leader_id, \
         l.name AS leader_name, \
         ar.status, COALESCE(ar.updated_at, cu.updated_at) AS since, \
         NULL::text AS rect_status, NULL::date AS rect_due, NULL::timestamptz AS rect_since, \
         NULL::timestamptz AS published, false AS acknowledged \
         FROM cycle_units cu JOIN units u ON u.id = cu.unit_id \
         JOIN leaders l ON l.unit_id = cu.unit_id AND l.is_first_responsible \
         LEFT JOIN accountability_reports ar ON ar.cycle_id = cu.cycle_id \
           AND ar.unit_id = cu.unit_id AND ar.leader_id = l.id \
         WHERE ($1::int8 IS NULL OR cu.unit_id = $1) AND cu.status = 'assessed' \
         AND cu.cycle_id = ANY($2) ORDER BY cu.unit_id, cu.cycle_id, l.id",
    )
    .bind::<Nullable<BigInt>, _>(unit)
    .bind::<Array<BigInt>, _>(cycles)
    .load(conn)?;
    for row in rows {
        let unit_id = row.unit_id;
        let Some(cycle) = list.cycle(row.cycle_id).cloned() else {
            continue;
        };
        let (Some(leader_id), Some(leader)) = (row.leader_id, row.leader_name.as_deref()) else {
            continue;
        };
        if !writable_by_units(cycle.state) || row.status.as_deref() == Some("submitted") {
            continue;
        }
        let verb = if row.status.as_deref() == Some("returned") {
            "修改并重新提交"
        } else {
            "提交"
        };
        let title = format!("{verb}{leader}的{}年度述责报告", cycle.year);
        let at = At {
            to: Recipient::Unit(unit_id),
            cycle_id: row.cycle_id,
            unit: Some((unit_id, &row.unit_name)),
            resource: unit_path(
                row.cycle_id,
                unit_id,
                &format!("accountability-reports/{leader_id}"),
            ),
            since: row.since,
        };
        list.push(
            TaskKind::SubmitAccountabilityReport,
            title,
            at,
            Some(cycle.self_inspection_due),
        );
    }
    Ok(())
}

#[derive(QueryableByName)]
struct TeamUnitRow {
    #[diesel(sql_type = Text)]
    sub: String,
    #[diesel(sql_type = BigInt)]
    cycle_id: i64,
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    unit_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    sheet_status: Option<String>,
    #[diesel(sql_type = Bool)]
    sheet_signed: bool,
    #[diesel(sql_type = Nullable<Text>)]
    report_status: Option<String>,
    #[diesel(sql_type = Bool)]
    report_signed: bool,
    #[diesel(sql_type = Nullable<BigInt>)]
    open_round: Option<i64>,
    #[diesel(sql_type = Bool)]
    any_round: bool,
    #[diesel(sql_type = Timestamptz)]
    sheet_since: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    report_since: DateTime<Utc>,
}

/// The units of the teams the inspector leads or is on, in one query: their sheets, reports
/// and signatures, and their evaluation rounds. Every inspector's when `sub` is `None`; the
/// one unit's alone when `unit` is given.
fn collect_team(
    conn: &mut PgConnection,
    list: &mut Tasks<'_>,
    sub: Option<&str>,
    unit: Option<i64>,
    cycles: &[i64],
) -> Result<(), ApiError> {
    let rows: Vec<TeamUnitRow> = diesel::sql_query(
        "SELECT p.sub, tu.cycle_id, tu.unit_id, u.name AS unit_name, \
         sr.status AS sheet_status, \
         EXISTS (SELECT 1 FROM signatures s WHERE s.document_kind = 'scoring_record' \
           AND s.document_id = sr.id AND s.round = sr.round AND s.voided_at IS NULL \
           AND s.signer_sub = p.sub) AS sheet_signed, \
         tr.status AS report_status, \
         EXISTS (SELECT 1 FROM signatures s WHERE s.document_kind = 'team_report' \
           AND s.document_id = tr.id AND s.round = tr.round AND s.voided_at IS NULL \
           AND s.signer_sub = p.sub) AS report_signed, \
         (SELECT min(r.id) FROM evaluation_rounds r WHERE r.cycle_id = tu.cycle_id \
           AND r.unit_id = tu.unit_id AND r.state <> 'closed') AS open_round, \
         EXISTS (SELECT 1 FROM evaluation_rounds r WHERE r.cycle_id = tu.cycle_id \
           AND r.unit_id = tu.unit_id) AS any_round, \
         COALESCE(sr.updated_at, tu.assigned_at) AS sheet_since, \
         COALESCE(tr.updated_at, sr.updated_at, tu.assigned_at) AS report_since \
         FROM team_units tu JOIN inspection_teams t ON t.id = tu.team_id \
         JOIN LATERAL (SELECT t.leader_sub AS sub \
           UNION SELECT m.sub FROM team_members m WHERE m.team_id = t.id) p \
           ON $1::text IS NULL OR p.sub = $1 \
         JOIN units u ON u.id = tu.unit_id \
         LEFT JOIN scoring_records sr ON sr.cycle_id = tu.cycle_id AND sr.unit_id = tu.unit_id \
         LEFT JOIN team_reports tr ON tr.cycle_id = tu.cycle_id AND tr.unit_id = tu.unit_id \
         WHERE tu.cycle_id = ANY($2) AND ($3::int8 IS NULL OR tu.unit_id = $3) \
         ORDER BY p.sub, tu.cycle_id, tu.unit_id",
    )
    .bind::<Nullable<Text>, _>(sub)
    .bind::<Array<BigInt>, _>(cycles)
    .bind::<Nullable<BigInt>, _>(unit)
    .load(conn)?;
    for row in rows {
        let Some(cycle) = list.cycle(row.cycle_id).cloned() else {
            continue;
        };
        let (c, u) = (row.cycle_id, row.unit_id);
        let unit = Some((u, row.unit_name.as_str()));
        let name = &row.unit_name;
        let to = Recipient::Inspector(row.sub.clone());
        let sheet = |since| At {
            to: to.clone(),
            cycle_id: c,
            unit,
            resource: unit_path(c, u, "scoring-record"),
            since,
        };
        let report = |since| At {
            to: to.clone(),
            cycle_id: c,
            unit,
            resource: unit_path(c, u, "team-report"),
            since,
        };
        // Teams score, submit and sign during the special inspection and the review alike
        // (`ensure_team_phase`): a sheet still open in the review is still owed, and late.
        let reporting = matches!(
            cycle.state,
            CycleState::SpecialInspection | CycleState::Review
        );
        let sheet_status = row.sheet_status.as_deref().unwrap_or("open");
        let ends = Some(cycle.special_inspection_ends);
        match sheet_status {
            "open" if reporting => list.push(
                TaskKind::ScoreUnit,
                format!("完成{name}的考核评分表并提交签署"),
                sheet(row.sheet_since),
                ends,
            ),
            "awaiting_signatures" if !row.sheet_signed => list.push(
                TaskKind::SignScoringRecord,
                format!("签署{name}的考核评分表"),
                sheet(row.sheet_since),
                ends,
            ),
            _ => {}
        }
        let report_due = Some(cycle.team_reports_due);
        match row.report_status.as_deref().unwrap_or("open") {
            "open" if reporting && sheet_status == "final" => list.push(
                TaskKind::WriteTeamReport,
                format!("撰写并提交{name}的考核报告"),
                report(row.report_since),
                report_due,
            ),
            "awaiting_signatures" if !row.report_signed => list.push(
                TaskKind::SignTeamReport,
                format!("签署{name}的考核报告"),
                report(row.report_since),
                report_due,
            ),
            _ => {}
        }
        collect_round(list, &cycle, &row, ends);
    }
    Ok(())
}

/// A team's evaluation round of a unit: to open while the cycle allows one and none was held,
/// to close while one is open.
fn collect_round(list: &mut Tasks<'_>, cycle: &Cycle, row: &TeamUnitRow, due: Option<NaiveDate>) {
    let (c, u, name) = (row.cycle_id, row.unit_id, &row.unit_name);
    let unit = Some((u, name.as_str()));
    let to = Recipient::Inspector(row.sub.clone());
    if let Some(round) = row.open_round {
        let at = At {
            to,
            cycle_id: c,
            unit,
            resource: unit_path(c, u, &format!("evaluation-rounds/{round}")),
            since: row.sheet_since,
        };
        list.push(
            TaskKind::CloseEvaluationRound,
            format!("结束{name}的民主测评"),
            at,
            due,
        );
    } else if !row.any_round && writable_by_units(cycle.state) {
        let at = At {
            to,
            cycle_id: c,
            unit,
            resource: unit_path(c, u, "evaluation-rounds"),
            since: row.sheet_since,
        };
        list.push(
            TaskKind::OpenEvaluationRound,
            format!("组织{name}的民主测评"),
            at,
            due,
        );
    }
}

#[derive(QueryableByName)]
struct OfficeUnitRow {
    #[diesel(sql_type = BigInt)]
    cycle_id: i64,
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    unit_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    si_status: Option<String>,
    #[diesel(sql_type = Bool)]
    paper_received: bool,
    #[diesel(sql_type = Bool)]
    has_team: bool,
    #[diesel(sql_type = Nullable<Text>)]
    sheet_status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    report_status: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    open_round: Option<i64>,
    #[diesel(sql_type = Timestamptz)]
    since: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    rect_status: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    rect_since: Option<DateTime<Utc>>,
    #[diesel(sql_type = Bool)]
    routine_scored: bool,
    #[diesel(sql_type = Nullable<Text>)]
    visit_status: Option<String>,
}

/// Every assessed unit of the open cycles, in one query: its self-inspection and paper copy,
/// its team, its sheet and report, its open round, its rectification, its routine score and
/// its routine visit. The one unit's alone when `unit` is given.
fn collect_office_units(
    conn: &mut PgConnection,
    list: &mut Tasks<'_>,
    unit: Option<i64>,
    cycles: &[i64],
) -> Result<(), ApiError> {
    let rows: Vec<OfficeUnitRow> = diesel::sql_query(
        "SELECT cu.cycle_id, cu.unit_id, u.name AS unit_name, si.status AS si_status, \
         si.paper_received_at IS NOT NULL AS paper_received, tu.team_id IS NOT NULL AS has_team, \
         sr.status AS sheet_status, tr.status AS report_status, \
         (SELECT min(r.id) FROM evaluation_rounds r WHERE r.cycle_id = cu.cycle_id \
           AND r.unit_id = cu.unit_id AND r.state <> 'closed') AS open_round, \
         COALESCE(si.updated_at, cu.updated_at) AS since, \
         r.status AS rect_status, r.updated_at AS rect_since, \
         EXISTS (SELECT 1 FROM routine_scores rs WHERE rs.cycle_id = cu.cycle_id \
           AND rs.unit_id = cu.unit_id) AS routine_scored, \
         (SELECT rv.status FROM routine_visits rv WHERE rv.cycle_id = cu.cycle_id \
           AND rv.unit_id = cu.unit_id) AS visit_status \
         FROM cycle_units cu JOIN units u ON u.id = cu.unit_id \
         LEFT JOIN self_inspections si ON si.cycle_id = cu.cycle_id AND si.unit_id = cu.unit_id \
         LEFT JOIN rectifications r ON r.cycle_id = cu.cycle_id AND r.unit_id = cu.unit_id \
         LEFT JOIN team_units tu ON tu.cycle_id = cu.cycle_id AND tu.unit_id = cu.unit_id \
         LEFT JOIN scoring_records sr ON sr.cycle_id = cu.cycle_id AND sr.unit_id = cu.unit_id \
         LEFT JOIN team_reports tr ON tr.cycle_id = cu.cycle_id AND tr.unit_id = cu.unit_id \
         WHERE cu.status = 'assessed' AND cu.cycle_id = ANY($1) \
         AND ($2::int8 IS NULL OR cu.unit_id = $2)",
    )
    .bind::<Array<BigInt>, _>(cycles)
    .bind::<Nullable<BigInt>, _>(unit)
    .load(conn)?;
    for row in rows {
        let Some(cycle) = list.cycle(row.cycle_id).cloned() else {
            continue;
        };
        let (c, u, name) = (row.cycle_id, row.unit_id, row.unit_name.as_str());
        let at = |rest: &str| At {
            to: Recipient::Office,
            cycle_id: c,
            unit: Some((u, name)),
            resource: unit_path(c, u, rest),
            since: row.since,
        };
        let si_due = Some(cycle.self_inspection_due);
        let submitted = row.si_status.as_deref() == Some("submitted");
        if writable_by_units(cycle.state) && !submitted {
            list.push(
                TaskKind::SelfInspectionMissing,
                format!("{name}尚未提交自查报告"),
                at("self-inspection"),
                si_due,
            );
        }
        if submitted && !row.paper_received {
            list.push(
                TaskKind::PaperCopyMissing,
                format!("登记{name}自查报告的纸质材料"),
                at("self-inspection"),
                si_due,
            );
        }
        if !row.has_team && matches!(cycle.state, CycleState::SelfInspection) {
            let assign = At {
                resource: format!("/api/v1/assessment-cycles/{c}/teams/unassigned"),
                ..at("")
            };
            list.push(
                TaskKind::AssignTeam,
                format!("为{name}分配考核组"),
                assign,
                si_due,
            );
        }
        if row.sheet_status.as_deref() == Some("final")
            && row.report_status.as_deref() != Some("final")
        {
            list.push(
                TaskKind::TeamReportPending,
                format!("{name}的评分表已定稿，考核报告尚未定稿"),
                at("team-report"),
                Some(cycle.team_reports_due),
            );
        }
        if let Some(round) = row.open_round {
            list.push(
                TaskKind::CloseEvaluationRound,
                format!("{name}的民主测评尚未结束"),
                at(&format!("evaluation-rounds/{round}")),
                Some(cycle.special_inspection_ends),
            );
        }
        // The routine inspection (plan §4(二)): a visit begun and not final, while the routine
        // inspection works; in the review, every unit's routine score, which publication needs.
        let routine_open = matches!(
            cycle.state,
            CycleState::SelfInspection | CycleState::SpecialInspection | CycleState::Review
        );
        if routine_open && row.visit_status.as_deref().is_some_and(|s| s != "final") {
            list.push(
                TaskKind::RoutineVisitPending,
                format!("{name}的日常考核走访记录尚未定稿"),
                at("routine-visit"),
                Some(cycle.special_inspection_ends),
            );
        }
        if cycle.state == CycleState::Review && !row.routine_scored {
            let scores = At {
                resource: format!("/api/v1/assessment-cycles/{c}/spot-checks/scores"),
                ..at("")
            };
            list.push(
                TaskKind::EnterRoutineScore,
                format!("录入{name}的日常考核得分"),
                scores,
                None,
            );
        }
        if let (Some("submitted"), Some(since), CycleState::Published) =
            (row.rect_status.as_deref(), row.rect_since, cycle.state)
        {
            let accept = At {
                since,
                ..at("rectification")
            };
            list.push(
                TaskKind::AcceptRectification,
                format!("验收{name}的整改说明及整改方案"),
                accept,
                None,
            );
        }
    }
    Ok(())
}

/// Each cycle's next transition: ready, or what blocks it, from the guards the transition
/// itself runs ([`check_transition`]); one set of guard queries per cycle, not per unit.
/// Only cycle `only`'s when given.
fn collect_transitions(
    conn: &mut PgConnection,
    list: &mut Tasks<'_>,
    only: Option<i64>,
) -> Result<(), ApiError> {
    let cycles = list.cycles;
    for cycle in cycles.iter().filter(|c| only.is_none_or(|id| id == c.id.0)) {
        let Some(next) = cycle.state.next() else {
            continue;
        };
        let due = match cycle.state {
            CycleState::SelfInspection => Some(cycle.self_inspection_due),
            CycleState::SpecialInspection => Some(cycle.special_inspection_ends),
            CycleState::Review => Some(cycle.team_reports_due),
            _ => None,
        };
        let at = At {
            to: Recipient::Office,
            cycle_id: cycle.id.0,
            unit: None,
            resource: transitions_path(cycle.id.0),
            since: cycle.updated_at,
        };
        let (kind, title) = match check_transition(conn, cycle, next) {
            Ok(()) => (
                TaskKind::AdvanceCycle,
                format!("{}年度考核可推进至「{}」", cycle.year, state_label(next)),
            ),
            Err(
                ApiError::Conflict { code, detail } | ApiError::Incomplete { code, detail, .. },
            ) => (
                TaskKind::CycleBlocked,
                format!(
                    "{}年度考核推进至「{}」受阻：{}",
                    cycle.year,
                    state_label(next),
                    crate::error::messages::detail(409, code, &detail)
                ),
            ),
            Err(other) => return Err(other),
        };
        list.push(kind, title, at, due);
    }
    Ok(())
}

/// The Chinese name of a cycle state, as its label says.
fn state_label(state: CycleState) -> &'static str {
    match state {
        CycleState::Draft => "筹备",
        CycleState::SelfInspection => "自查自纠",
        CycleState::SpecialInspection => "专项考核检查",
        CycleState::Review => "综合评定",
        CycleState::Published => "结果通报",
        CycleState::Archived => "归档",
    }
}
