use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PutTeamReport, TeamReportResponse};
use crate::audit::Change;
use crate::auth::Inspector;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::team_report::{TeamReport, TeamReportText};
use crate::models::{CycleId, UnitId};
use crate::ops::signed::{self, Signed};
use crate::ops::team_reports;

/// Write the team's assessment report
///
/// Members and the leader of the assigned team; needs `If-Match` with the ETag the report's GET
/// sent (a hash of the report as shown, signatures included; `*` for any). A change after
/// the first signature voids the signatures; a final report is 409.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("If-Match" = String, Header, description = "The ETag the report's GET sent"),
    ),
    request_body = PutTeamReport,
    responses(
        (
            status = 200,
            description = "Saved",
            body = TeamReportResponse,
            headers(("ETag" = String)),
        ),
        (
            status = 403,
            description = "The caller is the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Outside the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "The report is final",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 412,
            description = "Stale If-Match",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 428,
            description = "If-Match missing",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report")]
pub async fn put_team_report(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    if_match: IfMatch,
    body: ValidJson<PutTeamReport>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let body = body.0;
    let text = |v: &Option<String>| v.as_deref().map(clean).filter(|t| !t.is_empty());
    let text = TeamReportText {
        overall_evaluation: text(&body.overall_evaluation),
        problems_found: text(&body.problems_found),
        rectification_advice: text(&body.rectification_advice),
    };
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Team)?;
        signed::ensure_team_phase(&ctx.cycle)?;
        let report = TeamReport::open_locked(conn, cycle_id, unit_id)?;
        signed::ensure_changeable(Signed::from(&report))?;
        // The tag the GET sent: a hash of the report as shown (signatures included).
        if_match.check(&ETag::of_body(&team_reports::view(
            conn, cycle_id, unit_id,
        )?))?;
        TeamReport::write_text(conn, report.id, &text)?;
        signed::changed(conn, Signed::from(&report))?;
        let view = team_reports::view(conn, cycle_id, unit_id)?;
        let after = TeamReport {
            overall_evaluation: text.overall_evaluation,
            problems_found: text.problems_found,
            rectification_advice: text.rectification_advice,
            ..report.clone()
        };
        let change = Change::updated(
            "team_report",
            format!("{cycle_id}/{unit_id}"),
            &team_reports::content(cycle_id, unit_id, Some(&report)),
            &team_reports::content(cycle_id, unit_id, Some(&after)),
        );
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::of_body(&view).0))
        .json(view))
}
