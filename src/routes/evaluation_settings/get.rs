use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::EvaluationSettings;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::CycleId;
use crate::ops::evaluation;

/// 查看本周期的测评设置 (Get a cycle's evaluation settings)
///
/// Every role may read them, as it reads the cycle.
#[utoipa::path(
    tag = "evaluation",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    responses(
        (status = 200, description = "The settings", body = EvaluationSettings,
            headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 404, description = "No such cycle",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/evaluation-settings")]
pub async fn get_evaluation_settings(
    req: HttpRequest,
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.into_inner();
    let settings = db::run(&pool, move |conn| evaluation::settings(conn, cycle_id)).await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(settings.version),
        &settings,
    ))
}
