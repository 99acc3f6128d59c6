use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::CycleResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::CycleId;

/// Get an assessment cycle
#[utoipa::path(
    tag = "cycles",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    responses(
        (status = 200, description = "The cycle", body = CycleResponse, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (
            status = 404,
            description = "No such cycle",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}")]
pub async fn get_cycle(
    req: HttpRequest,
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let cycle = db::run(&pool, move |conn| super::find_cycle(conn, id)).await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(cycle.version),
        &CycleResponse::from(cycle),
    ))
}
