use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::SelfInspectionResponse;
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::domain::text::is_blank;
use crate::error::{ApiError, FieldError, Problem};
use crate::http::ETag;
use crate::models::self_inspection::SelfInspection;
use crate::models::{CycleId, UnitId};
use crate::ops::submitted;

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
        (
            status = 200,
            description = "Submitted",
            body = SelfInspectionResponse,
            headers(("ETag" = String)),
        ),
        (
            status = 403,
            description = "The caller is not a unit",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Not started, or outside the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "Already submitted, or the cycle is not open to units",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Incomplete: every missing item and the report are listed",
            body = Problem,
            content_type = "application/problem+json",
        ),
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
        let ctx = submitted::context(conn, &user, cycle_id, unit_id)?;
        submitted::ensure_open_for_units(&ctx.cycle)?;
        let doc = SelfInspection::find(conn, cycle_id, unit_id, true)?
            .ok_or_else(|| super::not_started(unit_id))?;
        submitted::ensure_submittable(&doc)?;
        let scores = SelfInspection::scores(conn, doc.id)?;
        let mut missing: Vec<FieldError> = ctx
            .items
            .iter()
            .filter(|item| !scores.iter().any(|s| s.item_code == item.code))
            .map(|item| {
                let detail = format!("item {} ({}) has no self-score", item.code, item.title);
                FieldError::new(format!("scores.{}", item.code), "missing", detail)
            })
            .collect();
        if doc.report.as_deref().is_none_or(is_blank) {
            let detail = "the written self-inspection report is required";
            missing.insert(0, FieldError::new("report", "missing", detail));
        }
        if !missing.is_empty() {
            return Err(ApiError::Validation(missing));
        }
        let due = ctx.cycle.self_inspection_due;
        submitted::submit(conn, &ctx, doc, due, &user)
    })
    .await?;
    tracing::info!(cycle_id = %cycle_id, unit_id = %unit_id, late = view.late, "self-inspection \
        submitted");
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
