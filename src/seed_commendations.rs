//! The demo county's commendations and notices (issue 15 item 6), recorded through
//! `ops::commendations` as the office records them:
//! - on the cycle in review (3): 小江镇 commended, to be published with the results (1), and a
//!   criticism notice on 太平镇 for it alone, to be published on its own (2);
//! - on the newest published cycle, where the demo has one: 小江镇 commended with the results
//!   (published with them), and one of its leaders commended, not yet published (its
//!   publication is the example of `POST …/commendations/{id}/publish`).
//!
//! `seed::seed_demo` calls [`seed_commendations`] after every cycle is seeded, the published
//! ones included, so that the ids the examples name do not move.

use diesel::prelude::*;

use crate::audit::{self, Actor, SigningKey};
use crate::auth::{AuthUser, Role};
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::models::commendation::{CommendationKind, CommendationScope};
use crate::models::{CycleId, LeaderId, UnitId};
use crate::ops::commendations::{self, CommendationInput};
use crate::schema::{assessment_cycles, leaders, units};

/// Seeds the commendations and notices of the cycle in review and of the newest published one.
pub fn seed_commendations(conn: &mut PgConnection, signer: &SigningKey) -> Result<(), ApiError> {
    let admin = AuthUser {
        sub: "office-admin".to_owned(),
        name: "县纪委办公室".to_owned(),
        role: Role::Office,
        unit_id: None,
        request_id: None,
    };
    let unit = |conn: &mut PgConnection, name: &str| -> Result<UnitId, ApiError> {
        Ok(units::table
            .filter(units::name.eq(name))
            .filter(units::archived_at.is_null())
            .select(units::id)
            .first(conn)?)
    };
    let xiaojiang = unit(conn, "小江镇")?;
    let taiping = unit(conn, "太平镇")?;
    let record = |conn: &mut PgConnection, cycle: CycleId, input: CommendationInput| {
        let (_, change) = commendations::create(conn, &admin, cycle, input)?;
        audit::append(conn, signer, &Actor::system(), change)
            .map(drop)
            .map_err(ApiError::from)
    };
    let in_review: CycleId = assessment_cycles::table
        .filter(assessment_cycles::year.eq(crate::seed_publication::REVIEW_YEAR))
        .select(assessment_cycles::id)
        .first(conn)?;
    record(
        conn,
        in_review,
        CommendationInput {
            kind: CommendationKind::UnitCommendation,
            unit_id: xiaojiang,
            leader_id: None,
            reason: "党风廉政建设责任制落实有力，考核成绩位居全县前列".to_owned(),
            document_ref: "阳纪发〔2013〕40号".to_owned(),
            scope: CommendationScope::Units,
            with_results: true,
        },
    )?;
    record(
        conn,
        in_review,
        CommendationInput {
            kind: CommendationKind::CriticismNotice,
            unit_id: taiping,
            leader_id: None,
            reason: "自查报告敷衍应付，被退回修改后仍未按期报送".to_owned(),
            document_ref: "阳纪发〔2013〕42号".to_owned(),
            scope: CommendationScope::Unit,
            with_results: false,
        },
    )?;
    let published: Option<CycleId> = assessment_cycles::table
        .filter(assessment_cycles::state.eq(CycleState::Published))
        .order(assessment_cycles::year.desc())
        .select(assessment_cycles::id)
        .first(conn)
        .optional()?;
    let Some(published) = published else {
        return Ok(());
    };
    record(
        conn,
        published,
        CommendationInput {
            kind: CommendationKind::UnitCommendation,
            unit_id: xiaojiang,
            leader_id: None,
            reason: "党风廉政建设责任制落实有力，考核成绩优秀".to_owned(),
            document_ref: "阳纪发〔2013〕40号".to_owned(),
            scope: CommendationScope::Units,
            with_results: true,
        },
    )?;
    let leader: LeaderId = leaders::table
        .filter(leaders::unit_id.eq(xiaojiang))
        .order(leaders::id.asc())
        .select(leaders::id)
        .first(conn)?;
    record(
        conn,
        published,
        CommendationInput {
            kind: CommendationKind::LeaderCommendation,
            unit_id: xiaojiang,
            leader_id: Some(leader),
            reason: "认真履行党风廉政建设第一责任人职责，成效显著".to_owned(),
            document_ref: "阳纪发〔2013〕41号".to_owned(),
            scope: CommendationScope::Units,
            with_results: false,
        },
    )
}
