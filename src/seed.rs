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
