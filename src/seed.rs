//! `lianzheng seed-demo`: a realistic county (Yangshan: 12 towns and a Yao ethnic township, some
//! sixty county departments, county enterprises and vertical units), loaded idempotently.
//!
//! The county stands as it would in October 2014, with an object in every state a call of the
//! contract needs, so that each operation's documented example (`openapi/examples.rs`) succeeds
//! on a fresh copy: a merged department archived and one registered since the 2014 cycle began,
//! a report still a draft with an attachment, sheets and team reports open, awaiting signatures
//! and final, evaluation rounds closed, open (with the documented ballot code) and suspended, a
//! deadline extension, and the 2015 cycle in preparation.

use diesel::prelude::*;
use serde::Deserialize;

use crate::audit::{self, Actor, Change, SigningKey};
use crate::config::Secret;
use crate::domain::default_forms;
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::models::{Leader, NewLeader, NewUnit, Unit, UnitKind};
use crate::ops::cycles::{CycleSettings, advance, open_cycle, plan_cycle};
use crate::schema::{assessment_cycles, units};

/// The demo county, bundled into the binary.
const DEMO: &str = include_str!("../data/demo/yangshan.json");

#[derive(Debug, Deserialize)]
struct DemoCounty {
    units: Vec<DemoUnit>,
}

#[derive(Debug, Deserialize)]
struct DemoUnit {
    name: String,
    kind: UnitKind,
    contact_person: Option<String>,
    contact_phone: Option<String>,
    address: Option<String>,
    email: Option<String>,
    leaders: Vec<DemoLeader>,
    #[serde(default)]
    status: DemoStatus,
}

/// Where a demo unit stands.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DemoStatus {
    /// Registered before the 2014 cycle began, and on its list of units.
    #[default]
    Active,
    /// Merged into another unit before the 2014 cycle: archived, off the cycle's list.
    Archived,
    /// Registered after the 2014 cycle took its list of units: nothing refers to it yet.
    Registered,
}

#[derive(Debug, Deserialize)]
struct DemoLeader {
    name: String,
    position: String,
    is_first_responsible: bool,
}

/// What a seeding run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Units inserted by this run.
    pub units_created: usize,
    /// Units that were already there.
    pub units_existing: usize,
    /// Leaders inserted by this run.
    pub leaders_created: usize,
    /// Whether this run opened the 2014 cycle.
    pub cycle_created: bool,
    /// Self-inspections this run submitted for the 2014 cycle.
    pub self_inspections: usize,
    /// Inspection teams this run formed.
    pub teams: usize,
}

/// The demo inspection teams: their leaders and members sign in as `insp-<n>-leader`,
/// `insp-<n>-a` and `insp-<n>-b` (mint tokens with `lianzheng token --role inspector --sub …`).
pub const DEMO_TEAMS: usize = 6;

/// The demo year (the plan's).
pub const DEMO_YEAR: i32 = 2014;

/// The documented ballot code (`CodeOnly`'s example): one of the slips of the demo's open round,
/// which votes when the demo was seeded with the service's `BALLOT_CODE_KEY`.
pub const DEMO_BALLOT_CODE: &str = "K7QA-3MZP-8D29";

/// [`seed_demo_with_ballot_key`] with a ballot key of this run only: the demo ballot code and the
/// open round's other codes do not vote.
pub fn seed_demo(conn: &mut PgConnection, signer: &SigningKey) -> Result<SeedReport, ApiError> {
    let mut key = [0_u8; 32];
    aws_lc_rs::rand::fill(&mut key).map_err(|_| ApiError::internal("no randomness"))?;
    seed_demo_with_ballot_key(conn, signer, &Secret::new(hex::encode(key)))
}

/// Loads the demo county; units already present (by name, not archived) are left as they are.
/// Its audit records are signed with `signer`, like the service's own; its ballot codes are
/// hashed with `ballot_key`, the service's `BALLOT_CODE_KEY`, so that [`DEMO_BALLOT_CODE`] votes.
pub fn seed_demo_with_ballot_key(
    conn: &mut PgConnection,
    signer: &SigningKey,
    ballot_key: &Secret,
) -> Result<SeedReport, ApiError> {
    let county: DemoCounty = serde_json::from_str(DEMO).map_err(ApiError::internal)?;
    let (registered, known): (Vec<DemoUnit>, Vec<DemoUnit>) = county
        .units
        .into_iter()
        .partition(|u| u.status == DemoStatus::Registered);
    conn.transaction(|conn| {
        let mut report = SeedReport::default();
        seed_units(conn, signer, known, &mut report)?;
        report.cycle_created = seed_cycle(conn, signer)?;
        if report.cycle_created {
            report.self_inspections = seed_self_inspections(conn, signer)?;
            report.teams = seed_teams_and_sheets(conn, signer, ballot_key)?;
            seed_extension(conn, signer)?;
            seed_next_cycle(conn, signer)?;
            crate::seed_routine::seed_routine(conn, signer)?;
            // Results (issue 15, task RESULTS).
            crate::seed_results::seed_results(conn, signer)?;
            // Publication (issue 15, part 2): the 2011 cycle in review.
            crate::seed_publication::seed_publication(conn, signer)?;
            crate::seed_routine::seed_review_commitment(conn, signer)?;
            // The published 2012 and 2013 cycles (issue 15 item 8, issue 16), last, so that no
            // id seeded before them moves.
            crate::seed_history::seed_history(conn, signer)?;
            // Commendations and notices (issue 15 item 6): after every cycle, the published
            // ones included, so that the ids the examples name do not move.
            crate::seed_commendations::seed_commendations(conn, signer)?;
        }
        seed_units(conn, signer, registered, &mut report)?;
        // Task push (issue 17 §4): the seed writes outside `db::write`, so it records the task
        // states it leaves (with their `created` events) itself, once.
        crate::ops::outbox::record(conn, chrono::Utc::now())?;
        Ok(report)
    })
}

/// Registers `county`'s units that are not there yet (the archived one is looked for among the
/// archived too), with their leaders, and archives the merged one.
fn seed_units(
    conn: &mut PgConnection,
    signer: &SigningKey,
    county: Vec<DemoUnit>,
    report: &mut SeedReport,
) -> Result<(), ApiError> {
    for unit in county {
        let archived = unit.status == DemoStatus::Archived;
        let mut existing = units::table
            .filter(units::name.eq(&unit.name))
            .select(units::id)
            .into_boxed();
        if !archived {
            existing = existing.filter(units::archived_at.is_null());
        }
        if existing.first::<i64>(conn).optional()?.is_some() {
            report.units_existing += 1;
            continue;
        }
        let created = NewUnit {
            name: unit.name,
            kind: unit.kind,
            contact_person: unit.contact_person,
            contact_phone: unit.contact_phone,
            address: unit.address,
            email: unit.email,
        }
        .insert(conn)?;
        report.units_created += 1;
        for leader in unit.leaders {
            NewLeader {
                unit_id: created.id,
                name: leader.name,
                position: leader.position,
                is_first_responsible: leader.is_first_responsible,
            }
            .insert(conn)?;
            report.leaders_created += 1;
        }
        let first = Leader::count_first_responsible(conn, created.id, None)?;
        crate::ops::units::ensure_first_responsible_limit(created.kind, first)?;
        let leaders = Leader::for_unit(conn, created.id)?;
        let record = serde_json::json!({"unit": created, "leaders": leaders});
        audit::append(
            conn,
            signer,
            &Actor::system(),
            Change::created("unit", created.id, &record),
        )?;
        if archived {
            let after = Unit::set_archived(conn, created.id, true)?;
            let change = Change::changed("archive", "unit", created.id, &created, &after);
            audit::append(conn, signer, &Actor::system(), change)?;
        }
    }
    Ok(())
}

/// Opens the 2014 cycle with the default forms and moves it into self-inspection, as the
/// office would on 1 September; does nothing when a 2014 cycle exists.
fn seed_cycle(conn: &mut PgConnection, signer: &SigningKey) -> Result<bool, ApiError> {
    let exists: i64 = assessment_cycles::table
        .filter(assessment_cycles::year.eq(DEMO_YEAR))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    let system = Actor::system();
    let settings = CycleSettings {
        year: Some(DEMO_YEAR),
        title: Some("阳山县2014年党风廉政建设责任制考核检查".to_owned()),
        ..Default::default()
    };
    let templates = default_forms::templates().map_err(ApiError::internal)?;
    let (cycle, change) = open_cycle(conn, &plan_cycle(settings)?, &templates)?;
    audit::append(conn, signer, &system, change)?;
    let note = Some(
        "县纪委常委会研究决定，启动2014年度考核检查，各单位9月20日前报送自查报告和述责报告"
            .to_owned(),
    );
    let (_, change) = advance(
        conn,
        cycle.id,
        CycleState::SelfInspection,
        &system.sub,
        &system.name,
        note,
    )?;
    audit::append(conn, signer, &system, change)?;
    Ok(true)
}

/// The office extends the end of the 2014 special inspection by ten days, with its reason on
/// record, as `POST …/deadline-extensions` would.
fn seed_extension(conn: &mut PgConnection, signer: &SigningKey) -> Result<(), ApiError> {
    use crate::models::cycle::Cycle;
    use crate::models::cycle::{CycleChangeset, Deadline, NewDeadlineExtension};

    let system = Actor::system();
    let cycle: Cycle = assessment_cycles::table
        .filter(assessment_cycles::year.eq(DEMO_YEAR))
        .select(Cycle::as_select())
        .first(conn)?;
    let old_date = cycle.special_inspection_ends;
    let new_date = old_date + chrono::Duration::days(10);
    let changes = CycleChangeset {
        special_inspection_ends: Some(new_date),
        ..Default::default()
    };
    let updated = Cycle::update(conn, cycle.id, &changes)?;
    NewDeadlineExtension {
        cycle_id: cycle.id,
        deadline: Deadline::SpecialInspectionEnds,
        old_date,
        new_date,
        reason: "各考核组承担的被考核单位较多，经县纪委常委会同意，专项考核检查顺延10天".to_owned(),
        actor_sub: system.sub.clone(),
        actor_name: system.name.clone(),
    }
    .insert(conn)?;
    let mut change = Change::updated("cycle", cycle.id, &cycle, &updated);
    change.action = "extend_deadline".to_owned();
    audit::append(conn, signer, &system, change)?;
    Ok(())
}

/// The office prepares the 2015 cycle: a draft with the default forms, as
/// `POST /assessment-cycles` would open it.
fn seed_next_cycle(conn: &mut PgConnection, signer: &SigningKey) -> Result<(), ApiError> {
    let year = DEMO_YEAR + 1;
    let settings = CycleSettings {
        year: Some(year),
        title: Some(format!("阳山县{year}年党风廉政建设责任制考核检查")),
        ..Default::default()
    };
    let templates = default_forms::templates().map_err(ApiError::internal)?;
    let (_, change) = open_cycle(conn, &plan_cycle(settings)?, &templates)?;
    audit::append(conn, signer, &Actor::system(), change)?;
    Ok(())
}

/// Most units have submitted their 2014 self-inspection and reports by 20 September, a few late,
/// one returned for revision (whose second first responsible person's report is still a draft),
/// and the last department nothing at all.
fn seed_self_inspections(conn: &mut PgConnection, signer: &SigningKey) -> Result<usize, ApiError> {
    use bigdecimal::BigDecimal;
    use chrono::TimeZone;

    use crate::domain::calendar::{china, is_late};
    use crate::models::cycle::Cycle;
    use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
    use crate::models::form::ScoringForm;
    use crate::schema::{accountability_reports, document_versions, self_inspections, self_scores};

    let cycle: Cycle = assessment_cycles::table
        .filter(assessment_cycles::year.eq(DEMO_YEAR))
        .select(Cycle::as_select())
        .first(conn)?;
    let forms = ScoringForm::for_cycle(conn, cycle.id)?;
    let (places, _) = CycleUnit::list(
        conn,
        cycle.id,
        Some(CycleUnitStatus::Assessed),
        None,
        0,
        10_000,
    )?;
    let missing = places
        .iter()
        .rev()
        .find(|(_, _, kind)| *kind == UnitKind::CountyDepartment)
        .map(|(p, _, _)| p.unit_id);
    let system = Actor::system();
    let mut count = 0;
    for (index, (place, name, _)) in places.iter().enumerate() {
        if Some(place.unit_id) == missing {
            continue;
        }
        let Some(form) = forms
            .iter()
            .find(|f| Some(f.form.form_kind) == place.form_kind)
        else {
            continue;
        };
        // Submitted between 12 and 19 September; every eleventh unit a few days late.
        let late_days = if index % 11 == 5 {
            1 + (index % 3) as u32
        } else {
            0
        };
        let day = if late_days > 0 {
            20 + late_days
        } else {
            12 + (index % 8) as u32
        };
        let submitted_at = china()
            .with_ymd_and_hms(
                DEMO_YEAR,
                9,
                day,
                9 + (index % 8) as u32,
                (index * 7 % 60) as u32,
                0,
            )
            .single()
            .map(|t| t.with_timezone(&chrono::Utc))
            .ok_or_else(|| ApiError::internal("demo date"))?;
        let late = is_late(cycle.self_inspection_due, submitted_at);
        let returned = index == 2;
        let mut scores = Vec::new();
        for (i, item) in form.items.iter().enumerate() {
            let deduction = if (index + i) % 9 == 0 {
                BigDecimal::from(1)
            } else {
                BigDecimal::from(0)
            };
            let points = (&item.max_points - deduction).max(BigDecimal::from(0));
            scores.push((item.code.clone(), points));
        }
        let total: BigDecimal = scores.iter().map(|(_, p)| p.clone()).sum();
        let report = format!(
            "{name}2014年党风廉政建设责任制落实情况自查报告：按照县委部署，本单位领导班子认真履行党风廉政建设主体责任，\
             年初召开部署会议，将责任分解到每位班子成员，全年专题研究党风廉政建设工作，对照考评表逐项自查自评。"
        );
        let problems = serde_json::json!([{
            "problem": "廉政风险点排查不够全面",
            "fix": "10月底前完成全部岗位风险点梳理",
            "done": index % 2 == 0
        }]);
        let id: i64 = diesel::insert_into(self_inspections::table)
            .values((
                self_inspections::cycle_id.eq(cycle.id),
                self_inspections::unit_id.eq(place.unit_id),
                self_inspections::status.eq(if returned { "returned" } else { "submitted" }),
                self_inspections::report.eq(&report),
                self_inspections::problems.eq(&problems),
                self_inspections::total.eq(&total),
                self_inspections::submitted_at.eq(submitted_at),
                self_inspections::late.eq(late),
                self_inspections::submission_count.eq(1),
                self_inspections::paper_received_at
                    .eq((index % 3 != 0).then_some(submitted_at + chrono::Duration::days(1))),
                self_inspections::return_reason
                    .eq(returned.then_some("第2.1项自评满分与实际不符，请补充佐证材料后重新报送")),
            ))
            .returning(self_inspections::id)
            .get_result(conn)?;
        let rows: Vec<_> = scores
            .iter()
            .map(|(code, points)| {
                (
                    self_scores::self_inspection_id.eq(id),
                    self_scores::item_code.eq(code),
                    self_scores::points.eq(points),
                )
            })
            .collect();
        diesel::insert_into(self_scores::table)
            .values(rows)
            .execute(conn)?;
        diesel::insert_into(document_versions::table)
            .values((
                document_versions::document_kind.eq("self_inspection"),
                document_versions::document_id.eq(id),
                document_versions::number.eq(1),
                document_versions::content.eq(serde_json::json!({
                    "report": report,
                    "problems": problems,
                    "total": crate::domain::points::Points(total.clone()),
                    "scores": scores.iter().map(|(code, points)| serde_json::json!({
                        "item_code": code, "points": crate::domain::points::Points(points.clone())
                    })).collect::<Vec<_>>(),
                })),
                document_versions::submitted_by.eq(format!("unit-{}", place.unit_id)),
                document_versions::submitted_at.eq(submitted_at),
                document_versions::late.eq(late),
                document_versions::returned_by.eq(returned.then_some("system")),
                document_versions::returned_at
                    .eq(returned.then_some(submitted_at + chrono::Duration::days(2))),
                document_versions::return_reason
                    .eq(returned.then_some("第2.1项自评满分与实际不符，请补充佐证材料后重新报送")),
            ))
            .execute(conn)?;
        for (n, leader) in Leader::for_unit(conn, place.unit_id)?
            .into_iter()
            .filter(|l| l.is_first_responsible)
            .enumerate()
        {
            if returned && n == 1 {
                seed_draft_report(conn, signer, cycle.id, place.unit_id, &leader)?;
                continue;
            }
            diesel::insert_into(accountability_reports::table)
                .values((
                    accountability_reports::cycle_id.eq(cycle.id),
                    accountability_reports::unit_id.eq(place.unit_id),
                    accountability_reports::leader_id.eq(leader.id),
                    accountability_reports::status.eq("submitted"),
                    accountability_reports::body.eq(format!(
                        "本人{}（{}）2014年履行党风廉政建设第一责任人职责情况的述责报告。",
                        leader.name, leader.position
                    )),
                    accountability_reports::submitted_at.eq(submitted_at),
                    accountability_reports::late.eq(late),
                    accountability_reports::submission_count.eq(1),
                ))
                .execute(conn)?;
        }
        let change = Change::created(
            "self_inspection",
            id,
            &serde_json::json!({
                "unit_id": place.unit_id,
                "total": total.to_string(),
                "late": late,
                "returned": returned
            }),
        );
        audit::append(conn, signer, &system, change)?;
        count += 1;
    }
    Ok(count)
}

/// The report of a first responsible person that their unit has not submitted yet: a draft, with
/// a supporting file the unit's user (`unit-user-<id>`, as the README's tokens name them)
/// uploaded and attached.
fn seed_draft_report(
    conn: &mut PgConnection,
    signer: &SigningKey,
    cycle_id: crate::models::CycleId,
    unit_id: crate::models::UnitId,
    leader: &Leader,
) -> Result<(), ApiError> {
    use crate::models::attachment::{AttachmentMeta, NewAttachment, OwnerKind};
    use crate::models::self_inspection::{AccountabilityReport, ReportDraft};

    let system = Actor::system();
    let body = format!(
        "本人{}（{}）2014年履行党风廉政建设第一责任人职责情况的述责报告（初稿）：年初与各村（社区）\
         签订党风廉政建设责任书，全年带头讲廉政党课2次。",
        leader.name, leader.position
    );
    let report = AccountabilityReport::insert_draft(
        conn,
        (cycle_id, unit_id, leader.id),
        &ReportDraft { body: Some(body) },
    )?;
    let content = format!(
        "{}2014年履行第一责任人职责纪实：\n1月 与各村（社区）签订党风廉政建设责任书；\n\
         4月、10月 讲廉政党课；\n全年 约谈村（社区）干部12人次。\n",
        leader.name
    )
    .into_bytes();
    let content_type = crate::domain::file_types::detect(&content)
        .map_err(|_| ApiError::internal("the demo attachment is plain text"))?;
    let file = NewAttachment {
        uploader_sub: format!("unit-user-{unit_id}"),
        uploader_role: "unit".to_owned(),
        file_name: format!("{}2014年履职纪实.txt", leader.name),
        content_type: content_type.to_owned(),
        size_bytes: content.len() as i64,
        sha256: audit::sha256_hex(&content),
        content,
    };
    let (meta, change) = crate::ops::attachments::store(conn, &file)?;
    audit::append(conn, signer, &system, change)?;
    AttachmentMeta::attach(
        conn,
        &[meta.id],
        OwnerKind::AccountabilityReport,
        report.id.into(),
    )?;
    let change = Change::created(
        "accountability_report",
        report.id,
        &serde_json::json!({
            "unit_id": unit_id, "leader_id": leader.id, "status": report.status,
            "attachment_ids": [meta.id]
        }),
    );
    audit::append(conn, signer, &system, change)?;
    Ok(())
}

/// Six teams share the 2014 units and the cycle moves into the special inspection; then the
/// teams' score sheets (`seed_sheets`).
fn seed_teams_and_sheets(
    conn: &mut PgConnection,
    signer: &SigningKey,
    ballot_key: &Secret,
) -> Result<usize, ApiError> {
    use crate::models::cycle::Cycle;
    use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
    use crate::ops::teams;

    let system = Actor::system();
    let cycle: Cycle = assessment_cycles::table
        .filter(assessment_cycles::year.eq(DEMO_YEAR))
        .select(Cycle::as_select())
        .first(conn)?;
    let names = [
        "第一考核组",
        "第二考核组",
        "第三考核组",
        "第四考核组",
        "第五考核组",
        "第六考核组",
    ];
    let leaders = ["欧阳志明", "黄国强", "陈丽华", "梁建新", "何伟文", "罗秀英"];
    let mut team_ids = Vec::new();
    for (n, (name, leader)) in names.iter().zip(leaders).enumerate().take(DEMO_TEAMS) {
        let members: Vec<(String, String)> = [("a", "成员甲"), ("b", "成员乙")]
            .iter()
            .map(|(suffix, member)| {
                (
                    format!("insp-{}-{suffix}", n + 1),
                    format!("{name}{member}"),
                )
            })
            .collect();
        let leader_sub = format!("insp-{}-leader", n + 1);
        let id = teams::create_team(conn, cycle.id, name, (&leader_sub, leader), &members)?
            .team
            .id;
        audit::append(
            conn,
            signer,
            &system,
            Change::created(
                "team",
                id,
                &serde_json::json!({"name": name, "leader": leader}),
            ),
        )?;
        team_ids.push(id);
    }
    let (places, _) = CycleUnit::list(
        conn,
        cycle.id,
        Some(CycleUnitStatus::Assessed),
        None,
        0,
        10_000,
    )?;
    for (index, (place, _, _)) in places.iter().enumerate() {
        teams::assign_unit(
            conn,
            cycle.id,
            team_ids[index % team_ids.len()],
            place.unit_id,
        )?;
    }
    audit::append(
        conn,
        signer,
        &system,
        Change::new(
            "assign",
            "team_unit",
            cycle.id,
            serde_json::Value::Null,
            serde_json::json!({"units": places.len()}),
        ),
    )?;
    let note = Some("各考核组已组建并分配被考核单位，转入专项考核检查".to_owned());
    let (_, change) = advance(
        conn,
        cycle.id,
        CycleState::SpecialInspection,
        &system.sub,
        &system.name,
        note,
    )?;
    audit::append(conn, signer, &system, change)?;

    let places: Vec<CycleUnit> = places.into_iter().map(|(place, _, _)| place).collect();
    seed_sheets(conn, signer, cycle.id, &places)?;
    seed_evaluation(conn, signer, &cycle, &places, ballot_key)?;
    Ok(team_ids.len())
}

/// The teams' score sheets of the first sixteen assessed units, taken through the family's
/// operations as the teams' calls would take them: four open, four awaiting signatures, seven
/// final with their report, one reopened; three with referrals. Of the reports, 黄坌镇's is
/// final and 秤架瑶族乡's awaits its members' signatures (its leader has signed); the others are
/// open.
fn seed_sheets(
    conn: &mut PgConnection,
    signer: &SigningKey,
    cycle_id: crate::models::CycleId,
    places: &[crate::models::cycle_unit::CycleUnit],
) -> Result<(), ApiError> {
    use crate::auth::{AuthUser, Role};
    use crate::domain::scoring::{Deduction, DeductionKind, Method, content_hash, item_points};
    use crate::models::cycle::Cycle;
    use crate::models::form::ScoringForm;
    use crate::models::scoring::{
        NewRecordItem, NewReferral, ScoringRecord, SheetStatus, SignedRow,
    };
    use crate::models::team::Team;
    use crate::models::team_report::{TeamReport, TeamReportText};
    use crate::ops::sheets::content_of;
    use crate::ops::signed::{SheetContext, Signed};

    let system = Actor::system();
    let cycle = Cycle::find(conn, cycle_id)?;
    let forms = ScoringForm::for_cycle(conn, cycle.id)?;
    let teams = Team::for_cycle(conn, cycle.id, None)?;
    // The first sixteen units: four open, four awaiting signatures, seven final, one reopened.
    for (index, place) in places.iter().enumerate().take(16) {
        let Some(form) = forms
            .iter()
            .find(|f| Some(f.form.form_kind) == place.form_kind)
        else {
            continue;
        };
        let team = teams
            .iter()
            .find(|t| t.units.contains(&place.unit_id))
            .cloned();
        let record = ScoringRecord::open_locked(conn, cycle.id, place.unit_id)?;
        let leader_sub = team
            .as_ref()
            .map_or("system", |t| t.team.leader_sub.as_str());
        for (_, item) in form
            .items
            .iter()
            .enumerate()
            .filter(|(i, _)| (index + i) % 6 == 0)
        {
            let parsed = item.to_item();
            let Some(rule) = parsed.rules.first() else {
                continue;
            };
            let deductions = vec![Deduction {
                rule_code: Some(rule.code.clone()),
                occurrences: 1,
                points: rule.points.min.clone(),
                grounds: None,
                kind: if item.content_area == 2 {
                    DeductionKind::IntegrityViolation
                } else {
                    DeductionKind::Other
                },
            }];
            NewRecordItem {
                record_id: record.id,
                item_code: item.code.clone(),
                deductions: serde_json::to_value(&deductions).unwrap_or_default(),
                evidence_notes: Some(format!("查阅{}，{}", rule.evidence, rule.grounds)),
                points: item_points(&parsed.max_points, &deductions).0,
                updated_by: leader_sub.to_owned(),
            }
            .upsert(conn)?;
        }
        let methods = [
            Method::HearingReport,
            Method::DemocraticEvaluation,
            Method::IndividualTalks,
            Method::ReviewingRecords,
        ];
        ScoringRecord::set_methods(conn, record.id, &methods)?;
        if index % 5 == 1 {
            NewReferral {
                record_id: record.id,
                leader_id: None,
                leader_name: None,
                facts: "2014年5月，该单位一名班子成员因安全生产监管失职被追究纪律责任".to_owned(),
                decision: "阳纪发〔2014〕12号：给予党内警告处分".to_owned(),
                created_by: "system".to_owned(),
            }
            .insert(conn)?;
        }
        let state = match index {
            0..=3 => SheetStatus::Open,
            4..=7 => SheetStatus::AwaitingSignatures,
            _ => SheetStatus::Final,
        };
        // The sheet goes the way the team's calls take it: written, submitted, signed by the
        // leader or by all, and the last one reopened by the office.
        let doc = Signed::from(&record);
        if state == SheetStatus::Open {
            doc.changed(conn)?;
        } else {
            doc.submit(conn)?;
        }
        if let (Some(team), true) = (&team, state != SheetStatus::Open) {
            let ctx = SheetContext {
                cycle: cycle.clone(),
                unit_id: place.unit_id,
                items: form.items.clone(),
                team: Some(team.clone()),
            };
            let hash = content_hash(&content_of(conn, &ctx)?);
            let doc = Signed::from(&ScoringRecord::open_locked(conn, cycle.id, place.unit_id)?);
            let count = if state == SheetStatus::Final {
                ctx.signers().len()
            } else {
                1
            };
            let signers: Vec<(String, String)> = std::iter::once(&team.team)
                .map(|t| (t.leader_sub.clone(), t.leader_name.clone()))
                .chain(team.members.iter().map(|m| (m.sub.clone(), m.name.clone())))
                .collect();
            for (sub, name) in signers.iter().take(count).cloned() {
                let user = AuthUser {
                    sub,
                    name,
                    role: Role::Inspector,
                    unit_id: None,
                    request_id: None,
                };
                doc.sign(conn, &crate::ops::signed::team_signers(&ctx), &user, &hash)?;
            }
            if state == SheetStatus::Final {
                let report = TeamReport::open_locked(conn, cycle.id, place.unit_id)?;
                let text = TeamReportText {
                    overall_evaluation: Some(
                        "该单位领导班子能认真履行党风廉政建设主体责任，总体评价为较好。".to_owned(),
                    ),
                    problems_found: Some(
                        "廉政风险防控措施落实不够到位；专题研究党风廉政建设工作次数不足。"
                            .to_owned(),
                    ),
                    rectification_advice: Some(
                        "一是完善廉政风险点台账；二是每季度至少专题研究一次党风廉政建设工作。"
                            .to_owned(),
                    ),
                };
                TeamReport::write_text(conn, report.id, &text)?;
                if let Some(count) = match index {
                    10 => Some(ctx.signers().len()),
                    12 => Some(1),
                    _ => None,
                } {
                    seed_team_report(conn, signer, &ctx, report.id, &signers[..count])?;
                }
                if index == 15 {
                    let reason = "县纪委常委会审核发现扣分依据不足，退回考核组复核";
                    let sheet = ScoringRecord::find(conn, cycle.id, place.unit_id, true)?;
                    if let Some(sheet) = sheet {
                        let content = content_of(conn, &ctx)?;
                        Signed::from(&sheet).reopen(conn, reason, "system", content)?;
                    }
                }
            }
        }
        let change = Change::created(
            "scoring_record",
            format!("{}/{}", cycle.id, place.unit_id),
            &serde_json::json!({"state": if index == 15 { "reopened" } else { state.as_str() }}),
        );
        audit::append(conn, signer, &system, change)?;
    }
    Ok(())
}

/// Submits a team's written report for signature on 8 October and has `signers` (the leader
/// first) sign it, as their calls would.
fn seed_team_report(
    conn: &mut PgConnection,
    signer: &SigningKey,
    ctx: &crate::ops::signed::SheetContext,
    id: crate::models::TeamReportId,
    signers: &[(String, String)],
) -> Result<(), ApiError> {
    use chrono::TimeZone;

    use crate::auth::{AuthUser, Role};
    use crate::domain::scoring::content_hash;
    use crate::models::scoring::SignedRow;
    use crate::models::team_report::TeamReport;
    use crate::ops::signed::Signed;

    let at = crate::domain::calendar::china()
        .with_ymd_and_hms(DEMO_YEAR, 10, 8, 16, 30, 0)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| ApiError::internal("demo date"))?;
    TeamReport::mark_submitted(conn, id, at, false)?;
    let report = TeamReport::open_locked(conn, ctx.cycle.id, ctx.unit_id)?;
    Signed::from(&report).submit(conn)?;
    let report = TeamReport::open_locked(conn, ctx.cycle.id, ctx.unit_id)?;
    let hash = content_hash(&crate::ops::team_reports::content(ctx, Some(&report)));
    let doc = Signed::from(&report);
    for (sub, name) in signers {
        let user = AuthUser {
            sub: sub.clone(),
            name: name.clone(),
            role: Role::Inspector,
            unit_id: None,
            request_id: None,
        };
        doc.sign(conn, &crate::ops::signed::team_signers(ctx), &user, &hash)?;
    }
    let state = TeamReport::open_locked(conn, ctx.cycle.id, ctx.unit_id)?.status;
    let change = Change::created(
        "team_report",
        ctx.audit_id(),
        &serde_json::json!({"state": state.as_str(), "signatures": signers.len()}),
    );
    audit::append(conn, signer, &Actor::system(), change)?;
    Ok(())
}

/// The tags of the demo's rounds, in the order they open (random in service, fixed here so that
/// the documented ballot code's round is always `K7Q`).
const DEMO_ROUND_TAGS: [&str; 4] = ["YS1", "YS2", "K7Q", "YS4"];

/// The democratic evaluation, as the teams' and the office's calls would take it. The first two
/// assessed units: a round each with online ballots cast with one-time codes and a paper tally,
/// closed (the second below the cycle's minimum of ten ballots); the first unit's leaders graded
/// by the office, one against the proposal with a reason. Then 青莲镇's round is open, 30 codes
/// issued (one of them [`DEMO_BALLOT_CODE`]) and 8 cast, and 杜步镇's round is suspended after
/// more failed codes than the cycle allows.
fn seed_evaluation(
    conn: &mut PgConnection,
    signer: &SigningKey,
    cycle: &crate::models::cycle::Cycle,
    places: &[crate::models::cycle_unit::CycleUnit],
    ballot_key: &Secret,
) -> Result<(), ApiError> {
    use crate::domain::evaluation::{Grade, ParticipantCategory};
    use crate::models::evaluation::CategorySlips;
    use crate::ops::evaluation::{self as eval, BallotSettings};

    let system = Actor::system();
    let mut tags = DEMO_ROUND_TAGS.iter();
    let ballot = BallotSettings {
        key: eval::BallotKey::new(ballot_key),
        page_url: "https://oa.yangshan.example/ballot".to_owned(),
        trusted_proxies: Vec::new(),
        failure_limit: 10,
        failure_window: std::time::Duration::from_secs(900),
    };
    for (index, place) in places.iter().enumerate().take(2) {
        let (online, paper_returned) = if index == 0 { (14, 9) } else { (5, 3) };
        let categories = vec![
            CategorySlips {
                category: Some(ParticipantCategory::LeadershipMember),
                slips: Some(7),
            },
            CategorySlips {
                category: Some(ParticipantCategory::StaffRepresentative),
                slips: Some(online + paper_returned),
            },
        ];
        let (view, change) = eval::open_round(
            conn,
            cycle,
            place.unit_id,
            eval::OpenRound {
                title: None,
                categories: Some(categories),
            },
        )?;
        audit::append(conn, signer, &system, change)?;
        retag(conn, view.id, tags.next().copied())?;
        let round = eval::find_round(conn, cycle.id, place.unit_id, view.id, true)?;
        let (codes, _, change) = eval::issue_codes(conn, &round, online as usize, &ballot)?;
        audit::append(conn, signer, &system, change)?;
        cast_demo_ballots(conn, &ballot, &view, &codes)?;
        let counts = view
            .leaders
            .iter()
            .map(|leader| eval::PaperCountEntry {
                leader_id: Some(leader.leader_id),
                category: Some(ParticipantCategory::StaffRepresentative),
                good: paper_returned - 3,
                fairly_good: 2,
                average: 1,
                poor: 0,
                unknown: 0,
            })
            .collect();
        let round = eval::find_round(conn, cycle.id, place.unit_id, view.id, true)?;
        let tally = eval::PaperTally {
            forms_handed_out: Some(paper_returned + 1),
            forms_returned: Some(paper_returned),
            counts,
        };
        let (_, change) = eval::put_paper_tally(conn, round, tally)?;
        audit::append(conn, signer, &system, change)?;
        let round = eval::find_round(conn, cycle.id, place.unit_id, view.id, true)?;
        let (_, change) = eval::close_round(conn, round)?;
        audit::append(conn, signer, &system, change)?;
        if index == 0 {
            let proposals = eval::proposals(conn, cycle.id, place.unit_id)?;
            for (l, leader) in view.leaders.iter().enumerate() {
                let proposed = proposals.grades.get(&leader.leader_id).copied();
                let (grade, reason) = match proposed {
                    Some(p) if l != 1 => (p, None),
                    _ => (
                        Grade::FairlyGood,
                        Some("结合平时掌握情况，其分管领域年内有一起违规发放津贴问题".to_owned()),
                    ),
                };
                let body = eval::SetGrade {
                    grade: Some(grade),
                    reason,
                };
                let setter = ("system", "县纪委");
                let (_, _, change) = eval::set_grade(
                    conn,
                    setter,
                    cycle,
                    place.unit_id,
                    leader.leader_id,
                    body,
                    None,
                )?;
                audit::append(conn, signer, &system, change)?;
            }
        }
    }
    // 青莲镇 and 杜步镇, held by teams 1 and 4.
    let (Some(open), Some(suspended)) = (places.get(6), places.get(3)) else {
        return Err(ApiError::internal("the demo has fewer assessed units"));
    };
    let (view, codes) = seed_round(
        conn,
        signer,
        cycle,
        open.unit_id,
        29,
        &ballot,
        tags.next().copied(),
    )?;
    let round = eval::find_round(conn, cycle.id, open.unit_id, view.id, true)?;
    let demo = crate::domain::evaluation::parse_code(DEMO_BALLOT_CODE)
        .ok_or_else(|| ApiError::internal("the demo ballot code has a wrong check symbol"))?;
    crate::models::evaluation::BallotCode::insert_all(
        conn,
        round.id,
        &[ballot.key.code_hash(&demo)],
    )?;
    crate::models::evaluation::Round::update(
        conn,
        round.id,
        &crate::models::evaluation::RoundChangeset {
            codes_issued: Some(round.codes_issued + 1),
            ..Default::default()
        },
    )?;
    cast_demo_ballots(conn, &ballot, &view, &codes[..8])?;
    let (view, _) = seed_round(
        conn,
        signer,
        cycle,
        suspended.unit_id,
        40,
        &ballot,
        tags.next().copied(),
    )?;
    let budget = eval::settings(conn, cycle.id)?.failure_budget;
    for _ in 0..=budget {
        crate::models::evaluation::Round::count_failure(conn, view.id, budget)?;
    }
    Ok(())
}

/// Opens a round of the unit's leaders for its staff and issues `count` codes, as the office's
/// calls would; returns the round and the codes.
fn seed_round(
    conn: &mut PgConnection,
    signer: &SigningKey,
    cycle: &crate::models::cycle::Cycle,
    unit_id: crate::models::UnitId,
    count: usize,
    ballot: &crate::ops::evaluation::BallotSettings,
    tag: Option<&str>,
) -> Result<(crate::ops::evaluation::RoundView, Vec<String>), ApiError> {
    use crate::domain::evaluation::ParticipantCategory;
    use crate::models::evaluation::CategorySlips;
    use crate::ops::evaluation as eval;

    let system = Actor::system();
    let categories = vec![
        CategorySlips {
            category: Some(ParticipantCategory::LeadershipMember),
            slips: Some(5),
        },
        CategorySlips {
            category: Some(ParticipantCategory::StaffRepresentative),
            slips: Some(count as i32),
        },
    ];
    let body = eval::OpenRound {
        title: None,
        categories: Some(categories),
    };
    let (view, change) = eval::open_round(conn, cycle, unit_id, body)?;
    audit::append(conn, signer, &system, change)?;
    retag(conn, view.id, tag)?;
    let round = eval::find_round(conn, cycle.id, unit_id, view.id, true)?;
    let (codes, _, change) = eval::issue_codes(conn, &round, count, ballot)?;
    audit::append(conn, signer, &system, change)?;
    Ok((view, codes))
}

/// Gives a seeded round its fixed tag (its codes are issued after).
fn retag(
    conn: &mut PgConnection,
    id: crate::models::RoundId,
    tag: Option<&str>,
) -> Result<(), ApiError> {
    use crate::schema::evaluation_rounds;
    let tag = tag.ok_or_else(|| ApiError::internal("a demo round without a tag"))?;
    diesel::update(evaluation_rounds::table.find(id))
        .set(evaluation_rounds::tag.eq(tag))
        .execute(conn)?;
    Ok(())
}

/// Casts a ballot with each of `codes` on the round `view`, as participants would: mostly
/// 好 and 较好, now and then 不了解, one with a comment.
fn cast_demo_ballots(
    conn: &mut PgConnection,
    ballot: &crate::ops::evaluation::BallotSettings,
    view: &crate::ops::evaluation::RoundView,
    codes: &[String],
) -> Result<(), ApiError> {
    use crate::domain::evaluation::{Mark, ParticipantCategory};
    use crate::ops::evaluation::{self as eval, BallotMark, CastBallot};

    let marks = [
        Mark::Good,
        Mark::Good,
        Mark::FairlyGood,
        Mark::Good,
        Mark::Average,
    ];
    for (n, code) in codes.iter().enumerate() {
        let Ok((round, hash)) = eval::round_of_code(conn, ballot, code)? else {
            return Err(ApiError::internal("a seeded code does not vote"));
        };
        let grades = view
            .leaders
            .iter()
            .enumerate()
            .map(|(l, leader)| BallotMark {
                leader_id: Some(leader.leader_id),
                grade: Some(if (n + l) % 7 == 6 {
                    Mark::Unknown
                } else {
                    marks[(n + 2 * l) % marks.len()]
                }),
            })
            .collect();
        let body = CastBallot {
            code: Some(code.clone()),
            category: Some(if n % 3 == 0 {
                ParticipantCategory::LeadershipMember
            } else {
                ParticipantCategory::StaffRepresentative
            }),
            grades: Some(grades),
            comment: (n == 2).then(|| "希望班子进一步加强作风建设，多深入基层".to_owned()),
        };
        let checked = eval::check_ballot(conn, &round, &body)?;
        eval::cast(conn, &hash, &checked)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_county_is_well_formed() {
        let county: DemoCounty = serde_json::from_str(DEMO).expect("demo JSON parses");
        let towns = county
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Town)
            .count();
        let departments = county
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::CountyDepartment)
            .count();
        assert_eq!(towns, 13, "12 towns and the Yao ethnic township");
        assert!(
            departments >= 55,
            "some sixty county departments, found {departments}"
        );
        let status =
            |status: DemoStatus| county.units.iter().filter(|u| u.status == status).count();
        assert_eq!(
            (status(DemoStatus::Archived), status(DemoStatus::Registered)),
            (1, 1),
            "one merged unit archived, one registered after the cycle began"
        );
        let last: Vec<DemoStatus> = county
            .units
            .iter()
            .rev()
            .take(2)
            .map(|u| u.status)
            .collect();
        assert_eq!(
            last,
            [DemoStatus::Registered, DemoStatus::Archived],
            "they come last, so that the other units keep their ids"
        );
        for unit in &county.units {
            let first = unit
                .leaders
                .iter()
                .filter(|l| l.is_first_responsible)
                .count() as i64;
            assert_eq!(first, unit.kind.first_responsible_limit(), "{}", unit.name);
        }
    }
}
