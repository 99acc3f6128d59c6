use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::LeaderResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::{LeaderId, UnitId};
use crate::ops::units::find_visible;

/// Get a leader
#[utoipa::path(
    tag = "leaders",
    params(
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "Leader id", example = 1),
    ),
    responses(
        (
            status = 200,
            description = "The leader",
            body = LeaderResponse,
            headers(("ETag" = String)),
        ),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (
            status = 404,
            description = "No such unit or leader in the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/units/{unit_id}/leaders/{leader_id}")]
pub async fn get_leader(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(UnitId, LeaderId)>,
) -> Result<HttpResponse, ApiError> {
    let (unit_id, leader_id) = path.into_inner();
    let leader = db::run(&pool, move |conn| {
        find_visible(conn, &user, unit_id)?;
        super::find_leader(conn, unit_id, leader_id)
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(leader.version),
        &LeaderResponse::from(leader),
    ))
}
