//! The demo county's published past (issue 15 item 8, issue 16's year-over-year line): the 2012
//! and 2013 cycles, each taken through the operations from its opening to `published`, with the
//! real guard (`ops::cycles::advance`). Three teams score and sign every assessed unit's sheet
//! and report; the office grades every leader (no evaluation round, so every active leader),
//! enters the routine scores, sets the bands, the vertical units' fallback results and the
//! scope, and records the review's three decisions.
//!
//! The scores make a ranking worth reading: a spread from the low seventies to the high
//! nineties, ties (ranked 1, 1, 3), several units at or below the line of 75.00 in each year,
//! 县商务局 at exactly 75.00 in 2013, and 岭背镇 and 县林业局 below the line in both years (the
//! two-cycles warning). The 2013 results were published twice: 县审计局's routine score was
//! entered as 2.00 instead of 9.00, the office reopened the cycle, corrected it and published
//! again (version 2), which withdrew that unit's rectification. The rectifications of the two
//! years are in every state: owed, draft, submitted, returned, accepted and withdrawn.
//! `seed::seed_demo` calls [`seed_history`] after everything else it
//! seeds for the older cycles, so that no id it made before moves: these are cycles 4 (2012)
//! and 5 (2013).

use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Actor, Change, SigningKey};
use crate::auth::{AuthUser, Role};
use crate::domain::default_forms;
use crate::domain::evaluation::Grade;
use crate::domain::forms::FormItem;
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::domain::scoring::{CANONICAL_VERSION, Deduction, DeductionKind, Method, SignedItem};
use crate::domain::scoring::{content_hash, item_points, record_content};
use crate::error::ApiError;
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus, FallbackSource};
use crate::models::decision::{DecisionKind, DecisionText};
use crate::models::evaluation::NewLeaderGrade;
use crate::models::form::{FormItemRow, ScoringForm};
use crate::models::result::PublicationScope;
use crate::models::routine::NewRoutineScore;
use crate::models::scoring::{NewSignature, ScoringRecord, SheetStatus, SignedDocument};
use crate::models::team::Team;
use crate::models::team_report::{TeamReport, TeamReportText};
use crate::models::{CycleId, Leader, UnitId, UnitKind};
use crate::ops::cycles::{CycleSettings, advance, open_cycle, plan_cycle};
use crate::ops::decisions::{self, DecisionInput};
use crate::ops::result_inputs::{self, NewBand, NewFallback, NewSettings};
use crate::ops::routine::ScoreView;
use crate::ops::signed::{SheetContext, Signed, team_signers};
use crate::ops::snapshots::{self, NewPublicationSettings};
use crate::ops::teams;
use crate::schema::{leader_grades, leaders, record_items, scoring_records, signatures};
use crate::schema::{team_reports, team_units, units};

/// The published years, oldest first: cycles 4 and 5.
pub const HISTORY_YEARS: [i32; 2] = [2012, 2013];

/// The unit at exactly 75.00 in 2013 (special 75.50 × 90/100 + routine 7.05 × 10/10).
pub const ON_THE_LINE: &str = "县商务局";

/// The units below the line in both years.
pub const BELOW_TWICE: [&str; 2] = ["岭背镇", "县林业局"];

/// The 2013 unit whose routine score was entered wrong (2.00, under the line at the first
/// publication), then corrected to this score after the office reopened the cycle: its
/// rectification is withdrawn by the second publication.
pub const CORRECTED_2013: (&str, &str) = ("县审计局", "9.00");

/// A year's units whose scores are set by hand (the others follow a pattern), by name: the
/// special score's deductions in hundredths of a point and the routine score.
struct Fixed {
    unit: &'static str,
    deducted: i64,
    routine: &'static str,
}

/// 2012: three units below the line, one just above it, a tie of two county departments
/// (91.80 each).
const FIXED_2012: [Fixed; 6] = [
    Fixed {
        unit: "岭背镇",
        deducted: 2800,
        routine: "7.50",
    },
    Fixed {
        unit: "县林业局",
        deducted: 2700,
        routine: "8.00",
    },
    Fixed {
        unit: "阳山县供水有限公司",
        deducted: 2650,
        routine: "7.00",
    },
    Fixed {
        unit: "县水务局",
        deducted: 2550,
        routine: "8.25",
    },
    Fixed {
        unit: "县教育局",
        deducted: 800,
        routine: "9.00",
    },
    Fixed {
        unit: "县民政局",
        deducted: 800,
        routine: "9.00",
    },
];

/// 2013: four units at or below the line, one of them exactly on it, a tie of two towns
/// (90.50 each); and [`CORRECTED_2013`], below it only until its routine score is corrected.
const FIXED_2013: [Fixed; 7] = [
    Fixed {
        unit: "岭背镇",
        deducted: 2600,
        routine: "8.00",
    },
    Fixed {
        unit: "县林业局",
        deducted: 2900,
        routine: "7.25",
    },
    Fixed {
        unit: ON_THE_LINE,
        deducted: 2450,
        routine: "7.05",
    },
    Fixed {
        unit: "县旅游局",
        deducted: 2750,
        routine: "8.50",
    },
    Fixed {
        unit: "杨梅镇",
        deducted: 1000,
        routine: "9.50",
    },
    Fixed {
        unit: "江英镇",
        deducted: 1000,
        routine: "9.50",
    },
    Fixed {
        unit: CORRECTED_2013.0,
        deducted: 2000,
        routine: "2.00",
    },
];

/// The routine scores the other units get in turn.
const ROUTINE: [&str; 7] = ["9.50", "9.00", "8.75", "9.25", "10.00", "8.50", "7.75"];

/// The teams of a year: leaders and members sign in as `insp-<year>-<n>-leader`, `-a` and `-b`.
const TEAMS: [(&str, &str); 3] = [
    ("第一考核组", "欧阳志明"),
    ("第二考核组", "黄国强"),
    ("第三考核组", "陈丽华"),
];

/// The office, as the seed's calls name it.
fn office() -> AuthUser {
    AuthUser {
        sub: "office-admin".to_owned(),
        name: "县纪委办公室".to_owned(),
        role: Role::Office,
        unit_id: None,
        request_id: None,
    }
}

fn points(hundredths: i64) -> Points {
    Points(bigdecimal::BigDecimal::new(hundredths.into(), 2))
}

fn hundredths(p: &Points) -> Result<i64, ApiError> {
    use bigdecimal::ToPrimitive;
    (&p.0 * bigdecimal::BigDecimal::from(100))
        .to_i64()
        .ok_or_else(|| ApiError::internal("a form's points out of range"))
}

/// Seeds the published 2012 and 2013 cycles.
pub fn seed_history(conn: &mut PgConnection, signer: &SigningKey) -> Result<(), ApiError> {
    for year in HISTORY_YEARS {
        let fixed: &[Fixed] = if year == 2012 {
            &FIXED_2012
        } else {
            &FIXED_2013
        };
        seed_year(conn, signer, year, fixed)?;
    }
    Ok(())
}

/// One assessed unit of a year, as the seed plans it.
struct Planned {
    /// Its team's view of it: the cycle, the unit, its form's items and its team.
    ctx: SheetContext,
    /// Its kind.
    kind: UnitKind,
    /// Its form's items, parsed once for all the units of the form.
    form: std::rc::Rc<Vec<FormItem>>,
    /// The deductions on its sheet, by item (index into `form`).
    deductions: Vec<(usize, Vec<Deduction>)>,
    /// Its special score in hundredths.
    special: i64,
    /// Its routine score.
    routine: Points,
}

impl Planned {
    /// Its total in hundredths, rounded half-up, with the default weights 90/10.
    fn total(&self) -> Result<i64, ApiError> {
        Ok((9 * self.special + 10 * hundredths(&self.routine)? + 5) / 10)
    }
}

/// One year, from its opening to publication. The operations run as the office's and the
/// teams' calls would; the unit-by-unit writes of the special inspection (sheets, reports,
/// signatures, grades, routine scores) are bulk statements, each with one audit record, so
/// that `seed-demo` stays quick.
fn seed_year(
    conn: &mut PgConnection,
    signer: &SigningKey,
    year: i32,
    fixed: &[Fixed],
) -> Result<(), ApiError> {
    let system = Actor::system();
    let record = |conn: &mut PgConnection, change: Change| -> Result<(), ApiError> {
        audit::append(conn, signer, &system, change)
            .map(drop)
            .map_err(ApiError::from)
    };
    let settings = CycleSettings {
        year: Some(year),
        title: Some(format!("阳山县{year}年党风廉政建设责任制考核检查")),
        ..Default::default()
    };
    let templates = default_forms::templates().map_err(ApiError::internal)?;
    let (cycle, change) = open_cycle(conn, &plan_cycle(settings)?, &templates)?;
    record(conn, change)?;
    let cycle_id = cycle.id;
    let change = step(
        conn,
        cycle_id,
        CycleState::SelfInspection,
        format!("启动{year}年度考核检查，各单位9月20日前报送自查报告和述责报告"),
    )?;
    record(conn, change)?;
    let (places, _) = CycleUnit::list(
        conn,
        cycle_id,
        Some(CycleUnitStatus::Assessed),
        None,
        0,
        10_000,
    )?;
    let change = form_teams(conn, cycle_id, year, &places)?;
    record(conn, change)?;
    let change = step(
        conn,
        cycle_id,
        CycleState::SpecialInspection,
        "各考核组已组建并分配被考核单位，转入专项考核检查".to_owned(),
    )?;
    record(conn, change)?;

    let planned = plan(conn, cycle_id, year, fixed, &places)?;
    let change = seed_sheets(conn, &planned)?;
    record(conn, change)?;
    let change = seed_reports(conn, year, &planned)?;
    record(conn, change)?;
    let change = grade_leaders(conn, cycle_id, &planned)?;
    record(conn, change)?;
    let change = step(
        conn,
        cycle_id,
        CycleState::Review,
        "各考核组已报送评分表和考核报告，转入综合评定".to_owned(),
    )?;
    record(conn, change)?;
    let change = routine_scores(conn, cycle_id, &planned)?;
    record(conn, change)?;
    for change in result_inputs_of(conn, cycle_id, year)? {
        record(conn, change)?;
    }
    for change in record_decisions(conn, cycle_id, year)? {
        record(conn, change)?;
    }
    publish(conn, signer, cycle_id, year, 2)?;
    if year == 2013 {
        correct_and_republish(conn, signer, cycle_id, year)?;
    }
    // By unit id: 2012's last owing unit has not started; 2013's four are in the four states
    // of the written document.
    let states: &[Seeded] = if year == 2012 {
        &[Seeded::Accepted, Seeded::Returned, Seeded::Owed]
    } else {
        &[
            Seeded::Accepted,
            Seeded::Returned,
            Seeded::Submitted,
            Seeded::Draft,
        ]
    };
    seed_rectifications(conn, signer, cycle_id, states)
}

/// The office reopens the published cycle to correct [`CORRECTED_2013`]'s routine score, and
/// publishes again under a new notice: version 2 of the snapshot, and the unit no longer owes.
fn correct_and_republish(
    conn: &mut PgConnection,
    signer: &SigningKey,
    cycle_id: CycleId,
    year: i32,
) -> Result<(), ApiError> {
    let (name, score) = CORRECTED_2013;
    let change = step(
        conn,
        cycle_id,
        CycleState::Review,
        format!("经县纪委常委会同意，退回更正{name}日常考核得分的录入错误"),
    )?;
    audit::append(conn, signer, &Actor::system(), change)?;
    let unit_id: UnitId = units::table
        .filter(units::name.eq(name))
        .select(units::id)
        .first(conn)?;
    let (_, change) = crate::ops::routine::correct_score(
        conn,
        &office(),
        (cycle_id, unit_id),
        score,
        "更正录入错误（原录为2.00）",
        |_| Ok(()),
    )?;
    audit::append(conn, signer, &Actor::system(), change)?;
    publish(conn, signer, cycle_id, year, 3)
}

/// Moves the cycle one step, as the office's `POST …/transitions` would.
fn step(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    to: CycleState,
    note: String,
) -> Result<Change, ApiError> {
    let system = Actor::system();
    let (_, change) = advance(conn, cycle_id, to, &system.sub, &system.name, Some(note))?;
    Ok(change)
}

/// The year's three teams, each holding every third assessed unit (assigned in one
/// statement); returns the audit record of the whole.
fn form_teams(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    year: i32,
    places: &[(CycleUnit, String, UnitKind)],
) -> Result<Change, ApiError> {
    let mut ids = Vec::new();
    for (n, (name, leader)) in TEAMS.iter().enumerate() {
        let members: Vec<(String, String)> = [("a", "成员甲"), ("b", "成员乙")]
            .iter()
            .map(|(suffix, member)| {
                (
                    format!("insp-{year}-{}-{suffix}", n + 1),
                    format!("{name}{member}"),
                )
            })
            .collect();
        let leader_sub = format!("insp-{year}-{}-leader", n + 1);
        let team = teams::create_team(conn, cycle_id, name, (&leader_sub, leader), &members)?;
        ids.push(team.team.id);
    }
    let rows: Vec<_> = places
        .iter()
        .enumerate()
        .map(|(index, (place, _, _))| {
            (
                team_units::cycle_id.eq(cycle_id),
                team_units::unit_id.eq(place.unit_id),
                team_units::team_id.eq(ids[index % ids.len()]),
            )
        })
        .collect();
    diesel::insert_into(team_units::table)
        .values(&rows)
        .execute(conn)?;
    Ok(Change::created(
        "team",
        cycle_id,
        &json!({"teams": ids, "units": places.len()}),
    ))
}

/// Every assessed unit's plan: its team, its form, its deductions and its routine score.
fn plan(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    year: i32,
    fixed: &[Fixed],
    places: &[(CycleUnit, String, UnitKind)],
) -> Result<Vec<Planned>, ApiError> {
    let cycle = Cycle::find(conn, cycle_id)?;
    let forms = ScoringForm::for_cycle(conn, cycle_id)?;
    let teams = Team::for_cycle(conn, cycle_id, None)?;
    let parsed: Vec<std::rc::Rc<Vec<FormItem>>> = forms
        .iter()
        .map(|f| std::rc::Rc::new(f.items.iter().map(FormItemRow::to_item).collect()))
        .collect();
    let salt = usize::try_from(year).unwrap_or_default();
    let mut planned = Vec::new();
    for (index, (place, name, kind)) in places.iter().enumerate() {
        let (deducted, routine) = match fixed.iter().find(|f| f.unit == name) {
            Some(f) => (f.deducted, f.routine),
            // 2.00 to 22.00 points off in half points, and a routine score of 7.75 to 10:
            // a total of at least 77.95, above the line.
            None => {
                let half_points = (index * 37 + salt * 11) % 41;
                (
                    200 + 50 * i64::try_from(half_points).unwrap_or_default(),
                    ROUTINE[(index * 3 + salt) % ROUTINE.len()],
                )
            }
        };
        let at = forms
            .iter()
            .position(|f| Some(f.form.form_kind) == place.form_kind)
            .ok_or_else(|| ApiError::internal("an assessed unit without a form"))?;
        let items = &parsed[at];
        let team = teams
            .iter()
            .find(|t| t.units.contains(&place.unit_id))
            .cloned()
            .ok_or_else(|| ApiError::internal("an assessed unit without a team"))?;
        planned.push(Planned {
            deductions: deductions_for(items, index * 5, deducted)?,
            form: items.clone(),
            // The seed reads the form's items from `form`, parsed once.
            ctx: SheetContext {
                cycle: cycle.clone(),
                unit_id: place.unit_id,
                items: Vec::new(),
                team: Some(team),
            },
            kind: *kind,
            special: 10_000 - deducted,
            routine: routine.parse().map_err(ApiError::internal)?,
        });
    }
    Ok(planned)
}

/// The deductions that take exactly `deducted` hundredths of a point off the form, item after
/// item from the `start`th, each citing a rule of its item within the rule's range and cap.
fn deductions_for(
    items: &[FormItem],
    start: usize,
    deducted: i64,
) -> Result<Vec<(usize, Vec<Deduction>)>, ApiError> {
    let mut left = deducted;
    let mut chosen = Vec::new();
    for offset in 0..items.len() {
        if left == 0 {
            break;
        }
        let at = (start + offset) % items.len();
        let item = &items[at];
        let mut room = hundredths(&item.max_points)?;
        let mut deductions = Vec::new();
        for rule in &item.rules {
            let (min, max) = (hundredths(&rule.points.min)?, hundredths(&rule.points.max)?);
            let cap = match &rule.cap {
                Some(cap) => hundredths(cap)?,
                None => i64::MAX,
            };
            let most = left.min(room).min(cap);
            if most < min {
                continue;
            }
            let each = max.min(most);
            let times = if rule.per_occurrence {
                (most / each).min(100)
            } else {
                1
            };
            let kind = if item.content_area == 2 {
                DeductionKind::IntegrityViolation
            } else {
                DeductionKind::Other
            };
            deductions.push(Deduction {
                rule_code: Some(rule.code.clone()),
                occurrences: u32::try_from(times).unwrap_or(1),
                points: points(each),
                grounds: None,
                kind,
            });
            left -= each * times;
            room -= each * times;
        }
        if !deductions.is_empty() {
            if !crate::domain::scoring::check_deductions(item, &deductions).is_empty() {
                return Err(ApiError::internal("a demo deduction breaks its rule"));
            }
            chosen.push((at, deductions));
        }
    }
    if left != 0 {
        return Err(ApiError::internal(
            "the demo's deductions do not add up to the planned score",
        ));
    }
    Ok(chosen)
}

/// What the team's leader and members sign with: their `sub`, name and role.
fn signers_of(ctx: &SheetContext) -> Result<Vec<(String, String, &'static str)>, ApiError> {
    let team = ctx
        .team
        .as_ref()
        .ok_or_else(|| ApiError::internal("a demo unit without a team"))?;
    let names = std::iter::once((&team.team.leader_sub, &team.team.leader_name))
        .chain(team.members.iter().map(|m| (&m.sub, &m.name)));
    Ok(team_signers(ctx)
        .into_iter()
        .zip(names)
        .map(|(s, (_, name))| (s.sub, name.clone(), s.role))
        .collect())
}

/// Inserts the standing signatures of `docs` (each document, the version its team signed and
/// the hash of its canonical content), one per member of its team, in one statement.
fn sign_all(
    conn: &mut PgConnection,
    docs: &[(&Planned, SignedDocument, i32, String)],
) -> Result<usize, ApiError> {
    let mut people = Vec::new();
    for (planned, doc, version, hash) in docs {
        for signer in signers_of(&planned.ctx)? {
            people.push((*doc, *version, hash.as_str(), signer));
        }
    }
    let rows: Vec<NewSignature<'_>> = people
        .iter()
        .map(|(doc, version, hash, (sub, name, role))| NewSignature {
            document_kind: doc.kind(),
            document_id: doc.id(),
            round: 1,
            signer_sub: sub,
            signer_name: name,
            signer_role: role,
            doc_version: *version,
            content_sha256: hash,
            canonical_version: CANONICAL_VERSION,
        })
        .collect();
    Ok(diesel::insert_into(signatures::table)
        .values(&rows)
        .execute(conn)?)
}

/// Every unit's sheet as its team's calls would leave it: the items written by the team's
/// leader, the methods set, submitted (version 2) and signed by the leader and every member
/// (final, version 3). Returns the audit record of the whole.
fn seed_sheets(conn: &mut PgConnection, planned: &[Planned]) -> Result<Change, ApiError> {
    let methods = [
        Method::HearingReport,
        Method::IndividualTalks,
        Method::ReviewingRecords,
    ];
    let methods_json = serde_json::to_value(methods).map_err(ApiError::internal)?;
    let rows: Vec<_> = planned
        .iter()
        .map(|p| {
            (
                scoring_records::cycle_id.eq(p.ctx.cycle.id),
                scoring_records::unit_id.eq(p.ctx.unit_id),
                scoring_records::status.eq(SheetStatus::Final),
                scoring_records::methods.eq(&methods_json),
                scoring_records::methods_version.eq(1),
                scoring_records::version.eq(3),
            )
        })
        .collect();
    let records: Vec<ScoringRecord> = diesel::insert_into(scoring_records::table)
        .values(&rows)
        .returning(ScoringRecord::as_returning())
        .get_results(conn)?;
    let mut items = Vec::new();
    let mut signed = Vec::new();
    let mut totals = Vec::new();
    for p in planned {
        let record = records
            .iter()
            .find(|r| r.unit_id == p.ctx.unit_id)
            .ok_or_else(|| ApiError::internal("a demo sheet was not inserted"))?;
        let leader = signers_of(&p.ctx)?
            .first()
            .map(|(sub, _, _)| sub.clone())
            .unwrap_or_default();
        // The canonical content as the sheet's view computes it (`ops::sheets`): every item
        // of the form, the written ones with their deductions and evidence.
        let mut content = Vec::new();
        for (at, parsed) in p.form.iter().enumerate() {
            let deductions = p
                .deductions
                .iter()
                .find(|(i, _)| *i == at)
                .map(|(_, d)| d.clone());
            let evidence = deductions.as_ref().map(|deductions| {
                parsed
                    .rules
                    .iter()
                    .filter(|r| {
                        deductions
                            .iter()
                            .any(|d| d.rule_code.as_ref() == Some(&r.code))
                    })
                    .map(|r| format!("查阅{}，{}", r.evidence, r.grounds))
                    .collect::<Vec<_>>()
                    .join("；")
            });
            let deductions = deductions.unwrap_or_default();
            let item_total = item_points(&parsed.max_points, &deductions);
            if !deductions.is_empty() {
                items.push((
                    record_items::record_id.eq(record.id),
                    record_items::item_code.eq(parsed.code.clone()),
                    record_items::deductions
                        .eq(serde_json::to_value(&deductions).map_err(ApiError::internal)?),
                    record_items::evidence_notes.eq(evidence.clone()),
                    record_items::points.eq(item_total.0.clone()),
                    record_items::updated_by.eq(leader.clone()),
                ));
            }
            content.push(SignedItem {
                item_code: parsed.code.clone(),
                max_points: parsed.max_points.clone(),
                deductions,
                evidence_notes: evidence,
                points: item_total,
                rule_codes: parsed.rules.iter().map(|r| r.code.clone()).collect(),
            });
        }
        let canonical = record_content(
            CANONICAL_VERSION,
            p.ctx.cycle.id,
            p.ctx.unit_id,
            &content,
            &methods,
            &[],
        );
        signed.push((p, Signed::from(record).doc, 2, content_hash(&canonical)));
        totals.push(json!({"unit_id": p.ctx.unit_id, "total": points(p.special)}));
    }
    diesel::insert_into(record_items::table)
        .values(&items)
        .execute(conn)?;
    let signatures = sign_all(conn, &signed)?;
    let cycle_id = planned.first().map(|p| p.ctx.cycle.id);
    Ok(Change::created(
        "scoring_record",
        cycle_id.map(|id| id.to_string()).unwrap_or_default(),
        &json!({"state": SheetStatus::Final, "signatures": signatures, "sheets": totals}),
    ))
}

/// Every unit's team report, written, submitted on 10 October (version 1) and signed by the
/// whole team (final, version 2). Returns the audit record of the whole.
fn seed_reports(
    conn: &mut PgConnection,
    year: i32,
    planned: &[Planned],
) -> Result<Change, ApiError> {
    use chrono::TimeZone;

    let at = crate::domain::calendar::china()
        .with_ymd_and_hms(year, 10, 10, 16, 0, 0)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| ApiError::internal("demo date"))?;
    let mut rows = Vec::new();
    for p in planned {
        let text = report_text(p.total()? <= LINE);
        rows.push((
            team_reports::cycle_id.eq(p.ctx.cycle.id),
            team_reports::unit_id.eq(p.ctx.unit_id),
            team_reports::overall_evaluation.eq(text.overall_evaluation),
            team_reports::problems_found.eq(text.problems_found),
            team_reports::rectification_advice.eq(text.rectification_advice),
            team_reports::status.eq(SheetStatus::Final),
            team_reports::submitted_at.eq(at),
            team_reports::version.eq(2),
        ));
    }
    let reports: Vec<TeamReport> = diesel::insert_into(team_reports::table)
        .values(&rows)
        .returning(TeamReport::as_returning())
        .get_results(conn)?;
    let mut signed = Vec::new();
    for p in planned {
        let report = reports
            .iter()
            .find(|r| r.unit_id == p.ctx.unit_id)
            .ok_or_else(|| ApiError::internal("a demo report was not inserted"))?;
        let hash = content_hash(&crate::ops::team_reports::content(&p.ctx, Some(report)));
        signed.push((p, Signed::from(report).doc, 1, hash));
    }
    let signatures = sign_all(conn, &signed)?;
    let cycle_id = planned.first().map(|p| p.ctx.cycle.id);
    Ok(Change::created(
        "team_report",
        cycle_id.map(|id| id.to_string()).unwrap_or_default(),
        &json!({"state": SheetStatus::Final, "reports": reports.len(), "signatures": signatures}),
    ))
}

/// The rectification line of the demo's cycles (the default), in hundredths.
const LINE: i64 = 7_500;

/// A team's report: plainer where the unit owes rectification.
fn report_text(owes: bool) -> TeamReportText {
    if owes {
        TeamReportText {
            overall_evaluation: Some(
                "该单位领导班子履行党风廉政建设主体责任不够到位，总体评价为一般。".to_owned(),
            ),
            problems_found: Some(
                "责任分解不到位；廉政风险防控措施流于形式；对发现的问题追责问责不力。".to_owned(),
            ),
            rectification_advice: Some(
                "一是向县纪委作出书面说明并制定整改方案；二是逐项建立问题整改台账；\
                 三是主要负责人每季度听取一次党风廉政建设工作汇报。"
                    .to_owned(),
            ),
        }
    } else {
        TeamReportText {
            overall_evaluation: Some(
                "该单位领导班子能认真履行党风廉政建设主体责任，总体评价为较好。".to_owned(),
            ),
            problems_found: Some(
                "廉政风险防控措施落实不够到位；专题研究党风廉政建设工作次数不足。".to_owned(),
            ),
            rectification_advice: Some(
                "一是完善廉政风险点台账；二是每季度至少专题研究一次党风廉政建设工作。".to_owned(),
            ),
        }
    }
}

/// The office grades every leader of every unit, in one statement (there was no evaluation
/// round, so each with its reason, as `PUT …/leader-grades/{leader_id}` requires): the first
/// responsible person by the unit's score, the others a step kinder where the score allows.
/// Returns the audit record of the whole.
fn grade_leaders(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    planned: &[Planned],
) -> Result<Change, ApiError> {
    let ids: Vec<UnitId> = planned.iter().map(|p| p.ctx.unit_id).collect();
    let all: Vec<Leader> = leaders::table
        .filter(leaders::unit_id.eq_any(&ids))
        .order((leaders::unit_id.asc(), leaders::id.asc()))
        .select(Leader::as_select())
        .load(conn)?;
    let mut rows = Vec::new();
    for p in planned {
        let base = match 10_000 - p.special {
            0..=800 => Grade::Good,
            801..=2000 => Grade::FairlyGood,
            2001..=2700 => Grade::Average,
            _ => Grade::Poor,
        };
        let reason = if p.kind == UnitKind::Town {
            "未组织民主测评，结合平时掌握情况和年度考核结果评定"
        } else {
            "结合平时掌握情况、述责述廉和年度考核结果评定"
        };
        let unit_leaders = all.iter().filter(|l| l.unit_id == p.ctx.unit_id);
        for (n, leader) in unit_leaders.enumerate() {
            let grade = match (leader.is_first_responsible, base) {
                (false, Grade::Poor) => Grade::Average,
                (false, Grade::FairlyGood) if n % 2 == 0 => Grade::Good,
                _ => base,
            };
            rows.push(NewLeaderGrade {
                cycle_id,
                unit_id: p.ctx.unit_id,
                leader_id: leader.id,
                leader_name: leader.name.clone(),
                grade,
                proposed_grade: None,
                round_id: None,
                reason: Some(reason.to_owned()),
                set_by: "system".to_owned(),
                set_by_name: "县纪委".to_owned(),
            });
        }
    }
    diesel::insert_into(leader_grades::table)
        .values(&rows)
        .execute(conn)?;
    let grades: Vec<_> = rows
        .iter()
        .map(|g| json!({"unit_id": g.unit_id, "leader_id": g.leader_id, "grade": g.grade}))
        .collect();
    Ok(Change::created(
        "leader_grade",
        cycle_id,
        &json!({"grades": grades}),
    ))
}

/// Every unit's routine score, entered at once as `POST …/spot-checks/scores` would (the
/// cycle had no draw, so no visit to wait for).
fn routine_scores(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    planned: &[Planned],
) -> Result<Change, ApiError> {
    let rows: Vec<NewRoutineScore> = planned
        .iter()
        .map(|p| NewRoutineScore {
            cycle_id,
            unit_id: p.ctx.unit_id,
            score: p.routine.0.clone(),
            note: "按责任制目标进展情况和平时掌握情况评定".to_owned(),
            updated_by: office().sub,
        })
        .collect();
    let created = NewRoutineScore::insert_all(conn, &rows)?;
    let views: Vec<ScoreView> = created.into_iter().map(ScoreView::from).collect();
    Ok(Change::created(
        "routine_scores",
        cycle_id,
        &json!({ "scores": &views }),
    ))
}

/// The year's bands (those of 2014), its scope (the ranking of a unit's kind) and every vertical
/// unit's fallback result; returns the audit records.
fn result_inputs_of(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    year: i32,
) -> Result<Vec<Change>, ApiError> {
    let admin = office();
    let bands: Vec<NewBand> = [
        ("较差", "0"),
        ("一般", "60"),
        ("良好", "80"),
        ("优秀", "90"),
    ]
    .into_iter()
    .map(|(name, lower)| NewBand {
        name: name.to_owned(),
        lower_bound: lower.to_owned(),
    })
    .collect();
    let mut changes = Vec::new();
    let (_, change) = result_inputs::put_bands(conn, &admin, cycle_id, &bands, |_| Ok(()))?;
    changes.push(change);
    let settings = NewSettings {
        publication_scope: PublicationScope::Kind,
        units_see_leader_grades: false,
        veto_enabled: false,
        veto_band: None,
    };
    let (_, change) = result_inputs::put_settings(conn, &admin, cycle_id, settings, |_| Ok(()))?;
    changes.push(change);
    let vertical: Vec<(UnitId, String)> = units::table
        .filter(units::kind.eq(UnitKind::Vertical))
        .filter(units::archived_at.is_null())
        .order(units::id.asc())
        .select((units::id, units::name))
        .load(conn)?;
    let values = ["86.00", "91.50", "88.00", "84.50", "90.00", "87.50"];
    for (n, (unit_id, name)) in vertical.into_iter().enumerate() {
        let (source, document_ref) = if n % 2 == 0 {
            (
                FallbackSource::SuperiorAssessment,
                format!("{name}上级主管部门{year}年度党风廉政建设责任制考核结果通报"),
            )
        } else {
            (
                FallbackSource::SelfScore,
                format!("{name}{year}年度党风廉政建设责任制自查报告"),
            )
        };
        let new = NewFallback {
            value: values[n % values.len()].to_owned(),
            source,
            document_ref,
        };
        let (_, _, change) =
            result_inputs::put_fallback(conn, &admin, (cycle_id, unit_id), new, |_| Ok(()))?;
        changes.push(change);
    }
    Ok(changes)
}

/// The review's three decisions: the office's review, the standing committee's decision and
/// the county committee's approval; returns the audit records.
fn record_decisions(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    year: i32,
) -> Result<Vec<Change>, ApiError> {
    let date = |m: u32, d: u32| {
        chrono::NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| ApiError::internal("demo date"))
    };
    let admin = office();
    let decisions = [
        (
            DecisionKind::OfficeReview,
            format!("阳纪办〔{year}〕21号"),
            date(10, 25)?,
            Some("各考核组评分依据充分，建议按考核组评分确定考核结果，报县纪委常委会研究"),
            "经县党廉办主任办公会复核",
        ),
        (
            DecisionKind::StandingCommitteeDecision,
            format!("阳纪常〔{year}〕9号"),
            date(11, 1)?,
            None,
            "县纪委常委会研究同意县党廉办的初步意见，报县委常委会审定",
        ),
        (
            DecisionKind::CountyCommitteeApproval,
            format!("阳委〔{year}〕56号"),
            date(11, 8)?,
            None,
            "县委常委会审定同意考核结果，在全县范围内通报",
        ),
    ];
    let mut changes = Vec::new();
    for (kind, document_ref, decided_on, opinion, note) in decisions {
        let input = DecisionInput {
            text: DecisionText {
                document_ref,
                decided_on,
                opinion: opinion.map(str::to_owned),
                note: Some(note.to_owned()),
            },
            unit_opinions: Vec::new(),
            attachment_ids: Vec::new(),
        };
        let (_, change) = decisions::record(conn, &admin, cycle_id, kind, input)?;
        changes.push(change);
    }
    Ok(changes)
}

/// Publishes the cycle's results through the real guard: every unit complete, the three
/// decisions on record (409 `publication_incomplete` otherwise). Whatever publication comes
/// to need before it (a document reference, `PUT …/publication`) is set here: the notice is
/// 阳纪通〔year + 1〕`notice`号.
fn publish(
    conn: &mut PgConnection,
    signer: &SigningKey,
    cycle_id: CycleId,
    year: i32,
    notice: u32,
) -> Result<(), ApiError> {
    // The notice that publishes the results, and its scope: the ranking of a unit's kind.
    let settings = NewPublicationSettings {
        publication_scope: PublicationScope::Kind,
        units_see_leader_grades: false,
        inspectors_see_ranking: false,
        document_ref: Some(format!("阳纪通〔{}〕{notice}号", year + 1)),
        rectification_days: crate::ops::rectifications::DEFAULT_RECTIFICATION_DAYS,
    };
    let (_, change) = snapshots::put_settings(conn, &office(), cycle_id, settings, |_| Ok(()))?;
    audit::append(conn, signer, &Actor::system(), change)?;
    let change = step(
        conn,
        cycle_id,
        CycleState::Published,
        format!("经县委常委会审定，{year}年度考核结果在全县范围内通报"),
    )?;
    audit::append(conn, signer, &Actor::system(), change)?;
    Ok(())
}

/// Where the seed takes an owed rectification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeded {
    /// Left as publication made it.
    Owed,
    /// Saved as a draft.
    Draft,
    /// Submitted.
    Submitted,
    /// Submitted, then returned for revision with a reason.
    Returned,
    /// Submitted, then accepted.
    Accepted,
}

/// The rectifications of a published cycle, through the family's operations: publication
/// (`ops::cycles::advance`) made every unit at or below the line owe one; by unit id, the
/// owed ones are taken to `states` in turn, and any further ones stay owed.
pub fn seed_rectifications(
    conn: &mut PgConnection,
    signer: &SigningKey,
    cycle_id: CycleId,
    states: &[Seeded],
) -> Result<(), ApiError> {
    use crate::models::rectification::Rectification;
    use crate::ops::rectifications::{self as rect, PutRectification};
    use crate::ops::submitted::{self, DocumentAt};
    use crate::schema::rectifications;
    let owing: Vec<UnitId> = rectifications::table
        .filter(rectifications::cycle_id.eq(cycle_id))
        .filter(rectifications::status.eq("owed"))
        .order(rectifications::unit_id.asc())
        .select(rectifications::unit_id)
        .load(conn)?;
    let admin = office();
    let now = chrono::Utc::now();
    let mut changes = Vec::new();
    for (unit_id, &state) in owing.into_iter().zip(states) {
        if state == Seeded::Owed {
            continue;
        }
        let user = AuthUser {
            sub: format!("unit-user-{unit_id}"),
            name: "单位联络员".to_owned(),
            role: Role::Unit,
            unit_id: Some(unit_id),
            request_id: None,
        };
        let at = DocumentAt::new(cycle_id, unit_id, ());
        let draft = PutRectification {
            explanation: Some("本单位考核得分低于整改线，主因是廉政风险防控制度执行不到位".into()),
            plan: Some("一、排查全部岗位廉政风险点；二、建立季度督查通报制度".to_owned()),
            attachment_ids: Vec::new(),
        };
        let (_, change) = submitted::save_draft::<Rectification>(conn, &user, at, None, &draft)?;
        changes.push(change);
        if state == Seeded::Draft {
            continue;
        }
        let (_, change) = submitted::submit::<Rectification>(conn, &user, at, now)?;
        changes.push(change);
        match state {
            Seeded::Accepted => changes.push(rect::accept(conn, &admin, at, now)?.1),
            Seeded::Returned => {
                let reason = "整改措施不具体，请明确完成时限和责任人";
                let (_, change) = submitted::send_back::<Rectification>(conn, &admin, at, reason)?;
                changes.push(change);
            }
            _ => {}
        }
    }
    for change in changes {
        audit::append(conn, signer, &Actor::system(), change)?;
    }
    Ok(())
}
