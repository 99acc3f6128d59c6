//! The demo county's routine inspection (plan §4(二)), as the office's calls would take it: the
//! plan, the sampled units' targets, a draw committed to a lottery result, seeded once it was
//! published and verified, the four visits written, submitted and signed by both visitors, a
//! routine score for every assessed unit but the last county department (so that a bulk entry
//! still has a unit to score), and then two departments' visits reopened for correction.
//! `seed::seed_demo` calls [`seed_routine`] once, after the teams.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Actor, Change, SigningKey};
use crate::auth::{AuthUser, Role};
use crate::error::ApiError;
use crate::models::cycle_unit::CycleUnitStatus;
use crate::models::routine::{NewRoutinePlan, NewRoutineTarget, RoutineVisit, RoutineVisitText};
use crate::models::{CycleId, UnitId, UnitKind};
use crate::ops::routine::{self, Commitment, ScoreRow};
use crate::ops::signed;
use crate::schema::{assessment_cycles, cycle_units, units};

/// The office staff who visit: `office-admin` (the catalogue's office caller) and a colleague.
pub const VISITORS: [(&str, &str); 2] = [("office-admin", "县纪委办公室"), ("office-li", "李明")];

/// The demo seed: a (made-up) result of a public lottery draw, as published.
pub const DEMO_SEED: &str = "2014118: 03 09 14 21 26 30 + 11";

fn at(y: i32, m: u32, d: u32, h: u32) -> Result<DateTime<Utc>, ApiError> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .ok_or_else(|| ApiError::internal("a demo time that does not exist"))
}

fn office(sub: &str, name: &str) -> AuthUser {
    AuthUser {
        sub: sub.to_owned(),
        name: name.to_owned(),
        role: Role::Office,
        unit_id: None,
        request_id: None,
    }
}

/// Seeds the routine inspection of the demo year's cycle.
pub fn seed_routine(conn: &mut PgConnection, signer: &SigningKey) -> Result<(), ApiError> {
    let system = Actor::system();
    let mut record = |conn: &mut PgConnection, change: Change| -> Result<(), ApiError> {
        audit::append(conn, signer, &system, change)
            .map(drop)
            .map_err(ApiError::from)
    };
    let cycle_id: CycleId = assessment_cycles::table
        .filter(assessment_cycles::year.eq(crate::seed::DEMO_YEAR))
        .select(assessment_cycles::id)
        .first(conn)?;
    let admin = office(VISITORS[0].0, VISITORS[0].1);

    let plan = NewRoutinePlan {
        cycle_id,
        scope: "各乡镇、县直各单位落实党风廉政建设责任制目标进展情况，以及上级部署的党风廉政建设\
                工作落实情况"
            .to_owned(),
        methods: "县直单位和乡镇各随机抽取2个单位，实地走访、发放调查问卷、查阅台帐".to_owned(),
        schedule: "2014年10月中旬".to_owned(),
        sample_enterprises: 0,
        updated_by: admin.sub.clone(),
    }
    .upsert(conn)?;
    record(conn, Change::created("routine_plan", cycle_id, &plan))?;

    let commitment = Commitment {
        seed_source: "中国福利彩票双色球2014118期开奖号码（期号、冒号、空格，红球按开奖顺序以空格\
                      分隔，加号后为蓝球）"
            .to_owned(),
        seed_publishes_at: at(2014, 10, 9, 13)?,
        reason: None,
    };
    let (_, change) = routine::commit(conn, &admin, cycle_id, commitment, at(2014, 10, 8, 2)?)?;
    record(conn, change)?;
    let (draw, change) = routine::seed(conn, &admin, cycle_id, DEMO_SEED, at(2014, 10, 10, 1)?)?;
    record(conn, change)?;
    let sampled = routine::sampled_units(conn, cycle_id)?;

    for &unit_id in &sampled {
        let target = NewRoutineTarget {
            cycle_id,
            unit_id,
            targets: "全年专题研究党风廉政建设工作不少于4次；党风廉政建设责任书签订率100%；\
                      廉政风险点台账按季度更新"
                .to_owned(),
            tasks: Some("落实县委关于中央八项规定精神的贯彻意见".to_owned()),
            updated_by: admin.sub.clone(),
        }
        .upsert(conn)?;
        record(
            conn,
            Change::created("routine_target", format!("{cycle_id}/{unit_id}"), &target),
        )?;
        seed_visit(conn, &mut record, cycle_id, unit_id, &admin)?;
    }

    let verified = routine::verify(conn, &admin, cycle_id, draw.id)?;
    if !verified.matches {
        return Err(ApiError::internal("the demo draw does not verify"));
    }

    let assessed: Vec<(UnitId, UnitKind)> = cycle_units::table
        .inner_join(units::table)
        .filter(cycle_units::cycle_id.eq(cycle_id))
        .filter(cycle_units::status.eq(CycleUnitStatus::Assessed))
        .order(cycle_units::unit_id.asc())
        .select((cycle_units::unit_id, units::kind))
        .load(conn)?;
    let last = assessed
        .iter()
        .filter(|(_, kind)| *kind == UnitKind::CountyDepartment)
        .map(|(id, _)| *id)
        .max();
    let rows = assessed
        .into_iter()
        .map(|(id, _)| id)
        .filter(|u| Some(*u) != last)
        .enumerate()
        .map(|(i, unit_id)| ScoreRow {
            unit_id,
            score: ["9.50", "9.00", "8.75", "9.25", "10.00"][i % 5].to_owned(),
            note: if sampled.contains(&unit_id) {
                "实地走访、问卷和台帐核查情况良好".to_owned()
            } else {
                "按责任制目标进展情况评定".to_owned()
            },
        })
        .collect();
    let (_, change) = routine::create_scores(conn, &admin, cycle_id, rows)?;
    record(conn, change)?;
    reopen_visits(conn, &mut record, cycle_id, &sampled)
}

/// Two county departments' visits reopened by the office after their scores: the first being
/// corrected (open), the second corrected, resubmitted and signed by `office-li` only (awaiting
/// `office-admin`). The draw is sealed again until both are final.
fn reopen_visits(
    conn: &mut PgConnection,
    record: &mut impl FnMut(&mut PgConnection, Change) -> Result<(), ApiError>,
    cycle_id: CycleId,
    sampled: &[UnitId],
) -> Result<(), ApiError> {
    let admin = office(VISITORS[0].0, VISITORS[0].1);
    let departments: Vec<UnitId> = units::table
        .filter(units::id.eq_any(sampled))
        .filter(units::kind.eq(UnitKind::CountyDepartment))
        .order(units::id.asc())
        .select(units::id)
        .load(conn)?;
    let [open, awaiting, ..] = departments.as_slice() else {
        return Err(ApiError::internal(
            "the demo draw samples two county departments",
        ));
    };
    for (unit_id, reason) in [
        (*open, "问卷结果统计有误，需更正后重新签名"),
        (*awaiting, "走访日期填写有误，更正后重新签名"),
    ] {
        let reopen = signed::Reopen {
            reason: Some(reason.to_owned()),
        };
        let (_, change) =
            signed::reopen::<RoutineVisit>(conn, &admin, (cycle_id, unit_id), &reopen)?;
        record(conn, change)?;
    }
    let at = (cycle_id, *awaiting);
    let (_, change) = signed::submit::<RoutineVisit>(conn, &admin, at, chrono::Utc::now())?;
    record(conn, change)?;
    let (sub, name) = VISITORS[1];
    let (_, change) = signed::sign::<RoutineVisit>(conn, &office(sub, name), at)?;
    record(conn, change)
}

/// One sampled unit's visit: written, submitted and signed by both visitors (final).
fn seed_visit(
    conn: &mut PgConnection,
    record: &mut impl FnMut(&mut PgConnection, Change) -> Result<(), ApiError>,
    cycle_id: CycleId,
    unit_id: UnitId,
    admin: &AuthUser,
) -> Result<(), ApiError> {
    let visitors: Vec<_> = VISITORS
        .iter()
        .map(|(sub, name)| json!({"sub": sub, "name": name}))
        .collect();
    let text = RoutineVisitText {
        visitors: json!(visitors),
        methods: json!(["field_visit", "questionnaire", "ledger_review"]),
        findings: Some(
            "责任制目标已分解到各股室并签订责任书；廉政风险点台账第三季度未更新，已当场指出。"
                .to_owned(),
        ),
        questionnaire: Some(json!({
            "handed_out": 30, "returned": 28, "answers_counted": 27,
            "results": "对本单位党风廉政建设满意和基本满意的占92.6%"
        })),
        attachments: json!([{"title": "党风廉政建设工作台帐（2014年）复印件", "sha256": null}]),
        visited_on: NaiveDate::from_ymd_opt(2014, 10, 14),
    };
    let at = (cycle_id, unit_id);
    let (ctx, ()) = signed::edit(conn, admin, at, |conn, _, row: &RoutineVisit| {
        Ok(RoutineVisit::write(conn, row.id, &text)?)
    })?;
    let after = crate::ops::routine_visits::view(conn, &ctx)?;
    record(
        conn,
        Change::created("routine_visit", ctx.audit_id(), &after),
    )?;
    // A visit has no due date to be late for; the seed runs without the application's clock.
    let submitted_at = chrono::Utc::now();
    let (_, change) = signed::submit::<RoutineVisit>(conn, admin, at, submitted_at)?;
    record(conn, change)?;
    for (sub, name) in VISITORS {
        let (_, change) = signed::sign::<RoutineVisit>(conn, &office(sub, name), at)?;
        record(conn, change)?;
    }
    Ok(())
}

/// The 2011 cycle's routine draw (the cycle is in review, `seed_publication`): committed to a
/// lottery result that has long been published, its seed not yet entered. `seed::seed_demo`
/// calls it once, after the 2011 cycle.
pub fn seed_review_commitment(
    conn: &mut PgConnection,
    signer: &SigningKey,
) -> Result<(), ApiError> {
    let cycle_id: CycleId = assessment_cycles::table
        .filter(assessment_cycles::year.eq(crate::seed_publication::REVIEW_YEAR))
        .select(assessment_cycles::id)
        .first(conn)?;
    let admin = office(VISITORS[0].0, VISITORS[0].1);
    let commitment = Commitment {
        seed_source: "中国福利彩票双色球2011125期开奖号码（期号、冒号、空格，红球按开奖顺序以空格\
                      分隔，加号后为蓝球）"
            .to_owned(),
        seed_publishes_at: at(2011, 10, 24, 13)?,
        reason: None,
    };
    let (_, change) = routine::commit(conn, &admin, cycle_id, commitment, at(2011, 10, 23, 2)?)?;
    audit::append(conn, signer, &Actor::system(), change)?;
    Ok(())
}
