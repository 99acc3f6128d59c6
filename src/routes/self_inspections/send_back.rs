use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use diesel::prelude::*;

use super::json::{ReturnDocument, SelfInspectionResponse};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::domain::submitted::refuse_return;
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, ValidJson};
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::{DocumentStatus, DocumentVersion, SelfInspection};
use crate::models::{CycleId, UnitId};
use crate::schema::self_inspections;

/// Return a submitted self-inspection for revision
///
/// Office only, with a reason; the submitted version stays on record with its return. The unit
/// revises and resubmits.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = ReturnDocument,
    responses(
        (status = 200, description = "Returned", body = SelfInspectionResponse, headers(("ETag" = String))),
        (status = 403, description = "The caller is not the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not started, or outside the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/return")]
pub async fn return_self_inspection(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    body: ValidJson<ReturnDocument>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let reason = body.0.reason.as_deref().map(clean).unwrap_or_default();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let context = super::context(conn, &user, cycle_id, unit_id)?;
        user.require_office()?;
        let doc = SelfInspection::find(conn, cycle_id, unit_id, true)?
            .ok_or_else(|| super::not_started(unit_id))?;
        if let Some(why) = refuse_return(doc.status) {
            return Err(ApiError::Conflict {
                code: "not_submitted",
                detail: format!("it cannot be returned: {why}"),
            });
        }
        let before = super::view(conn, doc.clone(), context.items.len())?;
        DocumentVersion::mark_returned(
            conn,
            OwnerKind::SelfInspection,
            doc.id,
            doc.submission_count,
            &user.sub,
            &reason,
        )?;
        let updated: SelfInspection = diesel::update(self_inspections::table.find(doc.id))
            .set((
                self_inspections::status.eq(DocumentStatus::Returned),
                self_inspections::return_reason.eq(&reason),
                self_inspections::version.eq(self_inspections::version + 1),
                self_inspections::updated_at.eq(diesel::dsl::now),
            ))
            .returning(SelfInspection::as_returning())
            .get_result(conn)?;
        let view = super::view(conn, updated, context.items.len())?;
        let change = Change::changed("return", "self_inspection", view.id, &before, &view);
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
