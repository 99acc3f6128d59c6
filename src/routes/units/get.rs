use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::UnitResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::UnitId;

/// Get a unit
///
/// Archived units stay readable, marked `archived`. Answers 304 to a matching `If-None-Match`.
/// An inspector reads a unit while one of their teams holds it in a cycle not yet archived.
#[utoipa::path(
    tag = "units",
    params(("unit_id" = i64, Path, description = "Unit id", example = 1)),
    responses(
        (
            status = 200,
            description = "The unit",
            body = UnitResponse,
            headers(("ETag" = String, description = "Current version")),
        ),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (
            status = 404,
            description = "No such unit in the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/units/{unit_id}")]
pub async fn get_unit(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitId>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let unit = db::run(&pool, move |conn| super::find_visible(conn, &user, id)).await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(unit.version),
        &UnitResponse::from(unit),
    ))
}
