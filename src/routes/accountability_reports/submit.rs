use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;

use super::json::ReportResponse;
use crate::audit::Change;
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::domain::calendar::is_late;
use crate::domain::submitted::refuse_edit;
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::{AccountabilityReport, DocumentStatus, NewDocumentVersion};
use crate::models::{CycleId, LeaderId, UnitId};
use crate::routes::self_inspections::{context, ensure_open_for_units};
use crate::schema::accountability_reports;

/// Submit an accountability report
///
/// Unit role only. Needs the report's text (422 otherwise). Late after the self-inspection due
/// date (end of day, Asia/Shanghai), and accepted.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "The first responsible person", example = 1),
    ),
    responses(
        (status = 200, description = "Submitted", body = ReportResponse, headers(("ETag" = String))),
        (status = 403, description = "The caller is not a unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not started, or outside the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already submitted, or the cycle is not open to units", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The report has no text", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}/submit")]
pub async fn submit_accountability_report(
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, LeaderId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, leader_id) = path.into_inner();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = context(conn, &user, cycle_id, unit_id)?;
        ensure_open_for_units(&ctx.cycle)?;
        super::first_responsible(conn, unit_id, leader_id)?;
        let report = AccountabilityReport::find(conn, cycle_id, leader_id, true)?
            .ok_or_else(|| ApiError::not_found(format!("leader {leader_id} has no report yet")))?;
        if let Some(reason) = refuse_edit(report.status) {
            return Err(ApiError::Conflict {
                code: "already_submitted",
                detail: format!("it cannot be submitted again: {reason}"),
            });
        }
        if report
            .body
            .as_deref()
            .is_none_or(crate::domain::text::is_blank)
        {
            return Err(ApiError::field(
                "body",
                "missing",
                "the report's text is required",
            ));
        }
        let before = super::view(conn, report.clone())?;
        let now = Utc::now();
        let late = is_late(ctx.cycle.self_inspection_due, now);
        let number = report.submission_count + 1;
        let updated: AccountabilityReport =
            diesel::update(accountability_reports::table.find(report.id))
                .set((
                    accountability_reports::status.eq(DocumentStatus::Submitted),
                    accountability_reports::submitted_at.eq(now),
                    accountability_reports::late.eq(late),
                    accountability_reports::submission_count.eq(number),
                    accountability_reports::return_reason.eq(None::<String>),
                    accountability_reports::version.eq(accountability_reports::version + 1),
                    accountability_reports::updated_at.eq(diesel::dsl::now),
                ))
                .returning(AccountabilityReport::as_returning())
                .get_result(conn)?;
        NewDocumentVersion {
            document_kind: OwnerKind::AccountabilityReport,
            document_id: report.id,
            number,
            content: json!({
                "body": updated.body,
                "attachment_ids": before.attachments.iter().map(|a| a.id).collect::<Vec<_>>(),
            }),
            submitted_by: user.sub.clone(),
            submitted_at: now,
            late,
        }
        .insert(conn)?;
        let view = super::view(conn, updated)?;
        let change = Change::changed("submit", "accountability_report", view.id, &before, &view);
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
