use actix_web::{HttpResponse, post, web};

use super::json::{Reopen, TeamReportResponse};
use crate::auth::AuthUser;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::models::team_report::TeamReport;
use crate::models::{CycleId, UnitId};
use crate::ops::signed::{self, Signed};
use crate::ops::team_reports;

/// Reopen a final team report
///
/// Office only, with a reason; the signed content and signatures stay on record.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = Reopen,
    responses(
        (status = 200, description = "Reopened", body = TeamReportResponse),
        (
            status = 403,
            description = "The caller is not the office",
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
            description = "Not final",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "No reason given",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/reopen")]
pub async fn reopen_team_report(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    body: ValidJson<Reopen>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let reason = body.0.reason.as_deref().map(clean).unwrap_or_default();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Office)?;
        user.require_office()?;
        let report = TeamReport::find(conn, cycle_id, unit_id, true)?;
        let content = team_reports::content(cycle_id, unit_id, report.as_ref());
        let report = report.as_ref().map(Signed::from);
        let before = signed::reopen(conn, report, &reason, &user.sub, |_| Ok(content))?;
        let view = team_reports::view(conn, cycle_id, unit_id)?;
        let id = format!("{cycle_id}/{unit_id}");
        let change = signed::reopen_change(before, id, view.round, &reason);
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
