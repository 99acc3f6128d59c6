use actix_web::{HttpRequest, HttpResponse, delete, web};

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::UnitLeaderPath;
use crate::http::{ETag, IfMatch};
use crate::models::Leader;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::units::{ensure_active, lock_visible};

/// 删除班子成员 (Remove a leader)
///
/// 仅限县纪委办公室。`If-Match` 可选。
///
/// Office only. `If-Match` is optional.
///
/// 409: 单位已归档 (`unit_archived`: the unit is archived).
#[utoipa::path(
    tag = "leaders",
    params(
        UnitLeaderPath,
        (
            "If-Match" = Option<String>,
            Header,
            description = "仅当成员仍为此 ETag 时删除 (delete only if the leader is still at this \
                ETag)",
        ),
    ),
    responses((status = 204, description = "已删除 (removed)"), Forbidden, Conflict),
    security(("bearer" = []))
)]
#[delete("/units/{unit_id}/leaders/{leader_id}")]
pub async fn delete_leader(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitLeaderPath>,
) -> Result<HttpResponse, ApiError> {
    let UnitLeaderPath { unit_id, leader_id } = path.into_inner();
    let if_match = IfMatch::optional(&req);
    db::write(&pool, user.actor(), move |conn| {
        let unit = lock_visible(conn, &user, unit_id)?;
        let current = super::find_leader(conn, unit_id, leader_id)?;
        user.require_office()?;
        if let Some(if_match) = if_match {
            if_match.check(&ETag::from_version(current.version))?;
        }
        ensure_active(&unit)?;
        Leader::delete(conn, leader_id)?;
        Ok(((), Change::deleted("leader", leader_id, &current)))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
