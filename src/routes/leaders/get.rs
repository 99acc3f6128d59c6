use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::LeaderResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::UnitLeaderPath;
use crate::ops::units::find_visible;

/// 查看班子成员 (Get a leader)
///
/// 能读取该单位者即可读取。
///
/// Readable by whoever may read the unit.
#[utoipa::path(
    tag = "leaders",
    params(UnitLeaderPath),
    responses(
        (
            status = 200,
            description = "班子成员 (the leader)",
            body = LeaderResponse,
            headers(("ETag" = String, description = "当前版本 (current version)")),
        ),
    ),
    security(("bearer" = []))
)]
#[get("/units/{unit_id}/leaders/{leader_id}")]
pub async fn get_leader(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitLeaderPath>,
) -> Result<HttpResponse, ApiError> {
    let UnitLeaderPath { unit_id, leader_id } = path.into_inner();
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
