use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateLeader, LeaderResponse};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, ValidJson};
use crate::models::{NewLeader, UnitId};
use crate::ops::units::{
    ensure_active, ensure_first_responsible_limit, first_responsible_count, lock_visible,
};

/// Add a leader to a unit
///
/// Office only. A town has at most two first responsible persons, any other unit one (409
/// `too_many_first_responsible`).
#[utoipa::path(
    tag = "leaders",
    params(("unit_id" = i64, Path, description = "Unit id", example = 1)),
    request_body = CreateLeader,
    responses(
        (status = 201, description = "Added", body = LeaderResponse,
            headers(
                ("Location" = String, description = "URL of the new leader"),
                ("ETag" = String)),
            ),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "No such unit in the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "The unit is archived, or has all its first responsible persons",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Invalid fields",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/units/{unit_id}/leaders")]
pub async fn create_leader(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitId>,
    body: ValidJson<CreateLeader>,
) -> Result<HttpResponse, ApiError> {
    let unit_id = path.into_inner();
    let body = body.0;
    let leader = db::write(&pool, user.actor(), move |conn| {
        let unit = lock_visible(conn, &user, unit_id)?;
        user.require_office()?;
        ensure_active(&unit)?;
        if body.is_first_responsible {
            ensure_first_responsible_limit(unit.kind, first_responsible_count(conn, unit_id)? + 1)?;
        }
        let new = NewLeader {
            unit_id,
            name: body.name.as_deref().map(clean).unwrap_or_default(),
            position: body.position.as_deref().map(clean).unwrap_or_default(),
            is_first_responsible: body.is_first_responsible,
        };
        let leader = new.insert(conn)?;
        let change = Change::created("leader", leader.id, &leader);
        Ok((leader, change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/units/{unit_id}/leaders/{}", leader.id),
        ))
        .insert_header((header::ETAG, ETag::from_version(leader.version).0))
        .json(LeaderResponse::from(leader)))
}
