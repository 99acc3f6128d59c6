use actix_web::{HttpRequest, HttpResponse, delete, web};

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, IfMatch};
use crate::models::{Leader, LeaderId, UnitId};
use crate::ops::units::{ensure_active, lock_visible};

/// Remove a leader
///
/// Office only. `If-Match` is optional.
#[utoipa::path(
    tag = "leaders",
    params(
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "Leader id", example = 1),
        (
            "If-Match" = Option<String>,
            Header,
            description = "Delete only if the leader is still at this ETag",
        ),
    ),
    responses(
        (status = 204, description = "Removed"),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "No such unit or leader in the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "The unit is archived",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 412,
            description = "Stale If-Match",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[delete("/units/{unit_id}/leaders/{leader_id}")]
pub async fn delete_leader(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(UnitId, LeaderId)>,
) -> Result<HttpResponse, ApiError> {
    let (unit_id, leader_id) = path.into_inner();
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
