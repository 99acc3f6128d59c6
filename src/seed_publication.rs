//! The demo county's 2011 cycle, in review (issue 15, part 2): its results were held up. Opened,
//! its units snapshotted and all given to one team, moved through the special inspection into
//! review, with the office's review (its preliminary opinion, an opinion on 小江镇 and a
//! document attached) and the standing committee's decision on record. The county committee's
//! approval is not yet recorded, and no sheet is final, so publishing answers 409 listing what
//! is missing.
//! `seed::seed_demo` calls [`seed_publication`] once, after the 2014 and 2015 cycles and before
//! the units registered since (the 2011 cycle must not refer to them).

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::audit::{self, Actor, Change, SigningKey};
use crate::auth::{AuthUser, Role};
use crate::domain::default_forms;
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::models::attachment::NewAttachment;
use crate::models::cycle_unit::CycleUnitStatus;
use crate::models::decision::{DecisionKind, DecisionText};
use crate::models::{CycleId, UnitId};
use crate::ops::cycles::{CycleSettings, advance, open_cycle, plan_cycle};
use crate::ops::decisions::{self, DecisionInput};
use crate::ops::teams;
use crate::schema::{cycle_units, units};

/// The year of the demo's cycle in review (cycle 3), whose results were held up.
pub const REVIEW_YEAR: i32 = 2011;

/// 小江镇, on whose score the office's review gives an opinion.
const XIAOJIANG: &str = "小江镇";

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, ApiError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| ApiError::internal("a demo date"))
}

/// Seeds the 2011 cycle in review with two of its three decisions on record.
pub fn seed_publication(conn: &mut PgConnection, signer: &SigningKey) -> Result<(), ApiError> {
    let system = Actor::system();
    let record = |conn: &mut PgConnection, change: Change| -> Result<(), ApiError> {
        audit::append(conn, signer, &system, change)
            .map(drop)
            .map_err(ApiError::from)
    };
    let year = REVIEW_YEAR;
    let settings = CycleSettings {
        year: Some(year),
        title: Some(format!("阳山县{year}年党风廉政建设责任制考核检查")),
        ..Default::default()
    };
    let templates = default_forms::templates().map_err(ApiError::internal)?;
    let (cycle, change) = open_cycle(conn, &plan_cycle(settings)?, &templates)?;
    record(conn, change)?;
    let step = |conn: &mut PgConnection, to: CycleState, note: &str| {
        let system = Actor::system();
        advance(
            conn,
            cycle.id,
            to,
            &system.sub,
            &system.name,
            Some(note.to_owned()),
        )
        .map(|(_, change)| change)
    };
    let change = step(
        conn,
        CycleState::SelfInspection,
        &format!("启动{year}年度考核检查，各单位9月20日前报送自查报告"),
    )?;
    record(conn, change)?;
    let change = assign_all(conn, cycle.id)?;
    record(conn, change)?;
    let change = step(
        conn,
        CycleState::SpecialInspection,
        "各考核组进驻开展专项考核检查",
    )?;
    record(conn, change)?;
    let change = step(
        conn,
        CycleState::Review,
        "各考核组已报送评分表，转入综合评定",
    )?;
    record(conn, change)?;

    let admin = AuthUser {
        sub: "office-admin".to_owned(),
        name: "县纪委办公室".to_owned(),
        role: Role::Office,
        unit_id: None,
        request_id: None,
    };
    let content = format!(
        "阳山县{year}年度党风廉政建设责任制考核检查复核意见：各考核组评分依据充分，\
         建议按考核组评分确定考核结果。\n"
    )
    .into_bytes();
    let content_type = crate::domain::file_types::detect(&content)
        .map_err(|_| ApiError::internal("the demo attachment is plain text"))?;
    let file = NewAttachment {
        uploader_sub: admin.sub.clone(),
        uploader_role: "office".to_owned(),
        file_name: format!("{year}年度考核复核意见.txt"),
        content_type: content_type.to_owned(),
        size_bytes: i64::try_from(content.len()).unwrap_or(i64::MAX),
        sha256: audit::sha256_hex(&content),
        content,
    };
    let (meta, change) = crate::ops::attachments::store(conn, &file)?;
    record(conn, change)?;
    let xiaojiang: UnitId = units::table
        .filter(units::name.eq(XIAOJIANG))
        .select(units::id)
        .first(conn)?;
    let review = DecisionInput {
        text: DecisionText {
            document_ref: format!("阳纪办〔{year}〕21号"),
            decided_on: date(year, 10, 25)?,
            opinion: Some(
                "各考核组评分依据充分，建议按考核组评分确定考核结果，报县纪委常委会研究".to_owned(),
            ),
            note: Some("经县党廉办主任办公会复核".to_owned()),
        },
        unit_opinions: vec![(
            xiaojiang,
            "考核组评分与自评分相差较大，经复核维持考核组评分".to_owned(),
        )],
        attachment_ids: vec![meta.id],
    };
    let (_, change) =
        decisions::record(conn, &admin, cycle.id, DecisionKind::OfficeReview, review)?;
    record(conn, change)?;
    let decision = DecisionInput {
        text: DecisionText {
            document_ref: format!("阳纪常〔{year}〕9号"),
            decided_on: date(year, 11, 1)?,
            opinion: None,
            note: Some("县纪委常委会研究同意县党廉办的初步意见，报县委常委会审定".to_owned()),
        },
        unit_opinions: Vec::new(),
        attachment_ids: Vec::new(),
    };
    let (_, change) = decisions::record(
        conn,
        &admin,
        cycle.id,
        DecisionKind::StandingCommitteeDecision,
        decision,
    )?;
    record(conn, change)
}

/// One team inspects every unit the cycle assesses; returns the audit record of the whole.
fn assign_all(conn: &mut PgConnection, cycle_id: CycleId) -> Result<Change, ApiError> {
    let year = REVIEW_YEAR;
    let name = format!("{year}年度考核组");
    let members = [(format!("insp-{year}-a"), format!("{year}年考核组成员"))];
    let leader = format!("insp-{year}-leader");
    let team = teams::create_team(conn, cycle_id, &name, (&leader, "欧阳志明"), &members)?
        .team
        .id;
    let assessed: Vec<UnitId> = cycle_units::table
        .filter(cycle_units::cycle_id.eq(cycle_id))
        .filter(cycle_units::status.eq(CycleUnitStatus::Assessed))
        .order(cycle_units::unit_id.asc())
        .select(cycle_units::unit_id)
        .load(conn)?;
    for unit in &assessed {
        teams::assign_unit(conn, cycle_id, team, *unit)?;
    }
    Ok(Change::created(
        "team",
        team,
        &serde_json::json!({"name": name, "units": assessed}),
    ))
}
