//! `/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/team-report`: the assigned team's
//! assessment report on the unit (overall evaluation, problems, rectification advice), due by
//! the cycle's team-report date and signed by the members and the leader like the score sheet
//! (plan §5(五), §7). Access is the score sheet's.

mod get;
pub mod json;
mod put;
mod reopen;
mod sign;
mod submit;

use diesel::prelude::*;
use serde_json::{Value, json};
use utoipa_actix_web::service_config::ServiceConfig;

use self::json::TeamReportResponse;
use crate::domain::scoring::content_hash;
use crate::error::ApiError;
use crate::models::scoring::{SheetStatus, Signature, SignedKind};
use crate::models::{CycleId, UnitId};
use crate::routes::scoring_records::json::SignatureView;
use crate::schema::team_reports;

/// Registers the team report routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get::get_team_report)
        .service(put::put_team_report)
        .service(submit::submit_team_report)
        .service(sign::sign_team_report)
        .service(reopen::reopen_team_report);
}

/// A row of `team_reports`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = team_reports, check_for_backend(diesel::pg::Pg))]
pub struct TeamReport {
    pub id: i64,
    pub cycle_id: CycleId,
    pub unit_id: UnitId,
    pub overall_evaluation: Option<String>,
    pub problems_found: Option<String>,
    pub rectification_advice: Option<String>,
    pub status: SheetStatus,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub late: bool,
    pub version: i32,
    pub round: i32,
}

/// The report, if the team has started it, locked when `lock`.
pub fn find(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
    lock: bool,
) -> QueryResult<Option<TeamReport>> {
    let query = team_reports::table
        .filter(team_reports::cycle_id.eq(cycle_id))
        .filter(team_reports::unit_id.eq(unit_id))
        .select(TeamReport::as_select());
    if lock {
        query.for_update().first(conn).optional()
    } else {
        query.first(conn).optional()
    }
}

/// The canonical content a signature on the report hashes.
pub fn content(cycle_id: CycleId, unit_id: UnitId, report: Option<&TeamReport>) -> Value {
    json!({
        "document": "team_report",
        "cycle_id": cycle_id.0,
        "unit_id": unit_id.0,
        "overall_evaluation": report.and_then(|r| r.overall_evaluation.clone()),
        "problems_found": report.and_then(|r| r.problems_found.clone()),
        "rectification_advice": report.and_then(|r| r.rectification_advice.clone()),
    })
}

/// The report as the API shows it.
pub fn view(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<TeamReportResponse, ApiError> {
    let report = find(conn, cycle_id, unit_id, false)?;
    let signatures = match &report {
        Some(r) => Signature::standing(conn, SignedKind::TeamReport, r.id, r.round)?,
        None => Vec::new(),
    };
    // A team report's content is the same in both canonical versions (it cites no rules).
    let hash = content_hash(&content(cycle_id, unit_id, report.as_ref()));
    Ok(TeamReportResponse {
        cycle_id,
        unit_id,
        content_sha256: hash.clone(),
        overall_evaluation: report.as_ref().and_then(|r| r.overall_evaluation.clone()),
        problems_found: report.as_ref().and_then(|r| r.problems_found.clone()),
        rectification_advice: report.as_ref().and_then(|r| r.rectification_advice.clone()),
        status: report.as_ref().map_or(SheetStatus::Open, |r| r.status),
        submitted_at: report.as_ref().and_then(|r| r.submitted_at),
        late: report.as_ref().is_some_and(|r| r.late),
        version: report.as_ref().map_or(0, |r| r.version),
        round: report.as_ref().map_or(1, |r| r.round),
        signatures: signatures
            .into_iter()
            .map(|s| SignatureView::new(s, &hash))
            .collect(),
    })
}

/// Bumps the report's version and sets its status.
pub fn touch(conn: &mut PgConnection, id: i64, status: SheetStatus) -> QueryResult<usize> {
    diesel::update(team_reports::table.find(id))
        .set((
            team_reports::status.eq(status),
            team_reports::version.eq(team_reports::version + 1),
            team_reports::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}
