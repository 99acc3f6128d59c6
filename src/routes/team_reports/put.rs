use actix_web::http::header;
use actix_web::{HttpResponse, put, web};
use diesel::prelude::*;

use super::json::{PutTeamReport, TeamReportResponse};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::scoring::{SheetStatus, Signature, SignedKind};
use crate::models::{CycleId, UnitId};
use crate::routes::scoring_records::{Access, context, ensure_team_phase};
use crate::schema::team_reports;

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
        (status = 200, description = "Saved", body = TeamReportResponse, headers(("ETag" = String))),
        (status = 403, description = "The caller is the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Outside the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report is final", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report")]
pub async fn put_team_report(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    if_match: IfMatch,
    body: ValidJson<PutTeamReport>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let body = body.0;
    let text = |v: &Option<String>| v.as_deref().map(clean).filter(|t| !t.is_empty());
    let (evaluation, problems, advice) = (
        text(&body.overall_evaluation),
        text(&body.problems_found),
        text(&body.rectification_advice),
    );
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = context(conn, &user, cycle_id, unit_id, Access::Team)?;
        ensure_team_phase(&ctx.cycle)?;
        diesel::insert_into(team_reports::table)
            .values((
                team_reports::cycle_id.eq(cycle_id),
                team_reports::unit_id.eq(unit_id),
                team_reports::version.eq(0),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        let report = super::find(conn, cycle_id, unit_id, true)?
            .ok_or_else(|| ApiError::internal("report vanished"))?;
        if report.status == SheetStatus::Final {
            return Err(ApiError::Conflict {
                code: "report_final",
                detail: "the report is signed and final".to_owned(),
            });
        }
        // The tag the GET sent: a hash of the report as shown (signatures included).
        if_match.check(&ETag::of_body(&super::view(conn, cycle_id, unit_id)?))?;
        let before = super::content(cycle_id, unit_id, Some(&report));
        diesel::update(team_reports::table.find(report.id))
            .set((
                team_reports::overall_evaluation.eq(&evaluation),
                team_reports::problems_found.eq(&problems),
                team_reports::rectification_advice.eq(&advice),
            ))
            .execute(conn)?;
        Signature::void_round(
            conn,
            SignedKind::TeamReport,
            report.id,
            report.round,
            "the report changed after it was signed",
        )?;
        super::touch(conn, report.id, report.status)?;
        let view = super::view(conn, cycle_id, unit_id)?;
        let after = super::content(
            cycle_id,
            unit_id,
            super::find(conn, cycle_id, unit_id, false)?.as_ref(),
        );
        let change = Change::updated(
            "team_report",
            format!("{cycle_id}/{unit_id}"),
            &before,
            &after,
        );
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::of_body(&view).0))
        .json(view))
}
