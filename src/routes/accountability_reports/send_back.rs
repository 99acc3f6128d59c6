use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use diesel::prelude::*;

use super::json::ReportResponse;
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::domain::submitted::refuse_return;
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, ValidJson};
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::{AccountabilityReport, DocumentStatus, DocumentVersion};
use crate::models::{CycleId, LeaderId, UnitId};
use crate::routes::self_inspections::context;
use crate::routes::self_inspections::json::ReturnDocument;
use crate::schema::accountability_reports;

/// Return a submitted accountability report for revision
///
/// Office only, with a reason; the submitted version stays on record.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "The first responsible person", example = 1),
    ),
    request_body = ReturnDocument,
    responses(
        (status = 200, description = "Returned", body = ReportResponse, headers(("ETag" = String))),
        (status = 403, description = "The caller is not the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report in the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}/return")]
pub async fn return_accountability_report(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, LeaderId)>,
    body: ValidJson<ReturnDocument>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, leader_id) = path.into_inner();
    let reason = body.0.reason.as_deref().map(clean).unwrap_or_default();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        context(conn, &user, cycle_id, unit_id)?;
        user.require_office()?;
        super::first_responsible(conn, unit_id, leader_id)?;
        let report = AccountabilityReport::find(conn, cycle_id, leader_id, true)?
            .ok_or_else(|| ApiError::not_found(format!("leader {leader_id} has no report yet")))?;
        if let Some(why) = refuse_return(report.status) {
            return Err(ApiError::Conflict {
                code: "not_submitted",
                detail: format!("it cannot be returned: {why}"),
            });
        }
        let before = super::view(conn, report.clone())?;
        DocumentVersion::mark_returned(
            conn,
            OwnerKind::AccountabilityReport,
            report.id,
            report.submission_count,
            &user.sub,
            &reason,
        )?;
        let updated: AccountabilityReport =
            diesel::update(accountability_reports::table.find(report.id))
                .set((
                    accountability_reports::status.eq(DocumentStatus::Returned),
                    accountability_reports::return_reason.eq(&reason),
                    accountability_reports::version.eq(accountability_reports::version + 1),
                    accountability_reports::updated_at.eq(diesel::dsl::now),
                ))
                .returning(AccountabilityReport::as_returning())
                .get_result(conn)?;
        let view = super::view(conn, updated)?;
        let change = Change::changed("return", "accountability_report", view.id, &before, &view);
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
