use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;

use super::json::SelfInspectionResponse;
use crate::audit::Change;
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::domain::calendar::is_late;
use crate::domain::points::Points;
use crate::domain::submitted::refuse_edit;
use crate::error::{ApiError, FieldError, Problem};
use crate::http::ETag;
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::{DocumentStatus, NewDocumentVersion, SelfInspection};
use crate::models::{CycleId, UnitId};
use crate::schema::self_inspections;

/// Submit the self-inspection
///
/// Unit role only, for its own unit. Needs every item of the unit's form scored and the report
/// written (422 `validation_failed` listing what is missing). The service computes the total.
/// A submission after the due date (the end of that day, Asia/Shanghai, as extended) is
/// accepted and marked `late`. Every submitted version is kept.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (status = 200, description = "Submitted", body = SelfInspectionResponse, headers(("ETag" = String))),
        (status = 403, description = "The caller is not a unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not started, or outside the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already submitted, or the cycle is not open to units", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Incomplete: every missing item and the report are listed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/submit")]
pub async fn submit_self_inspection(
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let context = super::context(conn, &user, cycle_id, unit_id)?;
        super::ensure_open_for_units(&context.cycle)?;
        let doc = SelfInspection::find(conn, cycle_id, unit_id, true)?.ok_or_else(|| super::not_started(unit_id))?;
        if let Some(reason) = refuse_edit(doc.status) {
            return Err(ApiError::Conflict { code: "already_submitted", detail: format!("it cannot be submitted again: {reason}") });
        }
        let scores = SelfInspection::scores(conn, doc.id)?;
        let mut missing: Vec<FieldError> = context
            .items
            .iter()
            .filter(|item| !scores.iter().any(|s| s.item_code == item.code))
            .map(|item| FieldError::new(format!("scores.{}", item.code), "missing", format!("item {} ({}) has no self-score", item.code, item.title)))
            .collect();
        if doc.report.as_deref().is_none_or(crate::domain::text::is_blank) {
            missing.insert(0, FieldError::new("report", "missing", "the written self-inspection report is required"));
        }
        if !missing.is_empty() {
            return Err(ApiError::Validation(missing));
        }
        let now = Utc::now();
        let late = is_late(context.cycle.self_inspection_due, now);
        let total = Points::sum(scores.iter().map(|s| Points(s.points.clone())).collect::<Vec<_>>().iter());
        let number = doc.submission_count + 1;
        let before = super::view(conn, doc.clone(), context.items.len())?;
        let updated: SelfInspection = diesel::update(self_inspections::table.find(doc.id))
            .set((
                self_inspections::status.eq(DocumentStatus::Submitted),
                self_inspections::total.eq(&total.0),
                self_inspections::submitted_at.eq(now),
                self_inspections::late.eq(late),
                self_inspections::submission_count.eq(number),
                self_inspections::return_reason.eq(None::<String>),
                self_inspections::version.eq(self_inspections::version + 1),
                self_inspections::updated_at.eq(diesel::dsl::now),
            ))
            .returning(SelfInspection::as_returning())
            .get_result(conn)?;
        let view = super::view(conn, updated, context.items.len())?;
        NewDocumentVersion {
            document_kind: OwnerKind::SelfInspection,
            document_id: doc.id,
            number,
            content: json!({
                "report": view.report, "scores": view.scores, "problems": view.problems, "total": view.total,
                "attachment_ids": view.attachments.iter().map(|a| a.id).collect::<Vec<_>>(),
            }),
            submitted_by: user.sub.clone(),
            submitted_at: now,
            late,
        }
        .insert(conn)?;
        let change = Change::changed("submit", "self_inspection", view.id, &before, &view);
        Ok((view, change))
    })
    .await?;
    tracing::info!(cycle_id = %cycle_id, unit_id = %unit_id, late = view.late, "self-inspection submitted");
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
