//! `lianzheng seed-demo`: a realistic county (Yangshan: 12 towns and a Yao ethnic township, some
//! sixty county departments, county enterprises and vertical units), loaded idempotently.

use diesel::prelude::*;
use serde::Deserialize;

use crate::audit::{self, Actor, Change};
use crate::domain::default_forms;
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::models::{Leader, NewLeader, NewUnit, UnitKind};
use crate::routes::cycles::create::{open_cycle, plan_cycle};
use crate::routes::cycles::json::CycleSettings;
use crate::routes::cycles::transition::advance;
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
}

/// The demo year (the plan's).
pub const DEMO_YEAR: i32 = 2014;

/// Loads the demo county; units already present (by name, not archived) are left as they are.
pub fn seed_demo(conn: &mut PgConnection) -> Result<SeedReport, ApiError> {
    let county: DemoCounty = serde_json::from_str(DEMO).map_err(ApiError::internal)?;
    conn.transaction(|conn| {
        let mut report = SeedReport::default();
        for unit in county.units {
            let existing: Option<i64> = units::table
                .filter(units::name.eq(&unit.name))
                .filter(units::archived_at.is_null())
                .select(units::id)
                .first(conn)
                .optional()?;
            if existing.is_some() {
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
            crate::routes::units::ensure_first_responsible_limit(created.kind, first)?;
            let leaders = Leader::for_unit(conn, created.id)?;
            let record = serde_json::json!({"unit": created, "leaders": leaders});
            audit::append(
                conn,
                &Actor::system(),
                Change::created("unit", created.id, &record),
            )?;
        }
        report.cycle_created = seed_cycle(conn)?;
        if report.cycle_created {
            report.self_inspections = seed_self_inspections(conn)?;
        }
        Ok(report)
    })
}

/// Opens the 2014 cycle with the default forms and moves it into self-inspection, as the
/// office would on 1 September; does nothing when a 2014 cycle exists.
fn seed_cycle(conn: &mut PgConnection) -> Result<bool, ApiError> {
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
    audit::append(conn, &system, change)?;
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
    audit::append(conn, &system, change)?;
    Ok(true)
}

/// Most units have submitted their 2014 self-inspection and reports by 20 September, a few late,
/// one returned for revision, and the last department nothing at all.
fn seed_self_inspections(conn: &mut PgConnection) -> Result<usize, ApiError> {
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
        let problems = serde_json::json!([{"problem": "廉政风险点排查不够全面", "fix": "10月底前完成全部岗位风险点梳理", "done": index % 2 == 0}]);
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
                document_versions::content
                    .eq(serde_json::json!({"report": report, "total": total.to_string()})),
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
        for leader in Leader::for_unit(conn, place.unit_id)?
            .into_iter()
            .filter(|l| l.is_first_responsible)
        {
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
            &serde_json::json!({"unit_id": place.unit_id, "total": total.to_string(), "late": late, "returned": returned}),
        );
        audit::append(conn, &system, change)?;
        count += 1;
    }
    Ok(count)
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
