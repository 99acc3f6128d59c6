use actix_web::http::header;
use actix_web::{HttpResponse, patch, web};

use super::json::{EvaluationSettings, EvaluationSettingsChange};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::CycleId;
use crate::ops::evaluation;

/// 修改本周期的测评设置 (Change a cycle's evaluation settings)
///
/// Office only; needs `If-Match`. They may change until the cycle's first evaluation round
/// opens (409 `evaluation_started` afterwards). The proposal rule's branches may not overlap:
/// the poor share allowed for `good` is at most the `poor` line.
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("If-Match" = String, Header, description = "The settings' current ETag",
            example = "\"1\""),
    ),
    request_body = EvaluationSettingsChange,
    responses(
        (status = 200, description = "Changed", body = EvaluationSettings,
            headers(("ETag" = String))),
        (status = 403, description = "The caller is not the office",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A round of the cycle has opened",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid settings",
            body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/assessment-cycles/{cycle_id}/evaluation-settings")]
pub async fn update_evaluation_settings(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
    if_match: IfMatch,
    body: ValidJson<EvaluationSettingsChange>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.into_inner();
    let body = body.0;
    let settings = db::write(&pool, user.actor(), move |conn| {
        evaluation::change_settings(conn, cycle_id, body, |version| {
            if_match.check(&ETag::from_version(version))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(settings.version).0))
        .json(settings))
}
