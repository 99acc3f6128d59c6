use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::UnitResponse;
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::models::{Unit, UnitId};

/// Restore an archived unit
///
/// Office only. Fails with 409 when the unit is not archived, or when an active unit has taken
/// its name meanwhile (`unit_name_taken`).
#[utoipa::path(
    tag = "units",
    params(("unit_id" = i64, Path, description = "Unit id", example = 1)),
    responses(
        (
            status = 200,
            description = "Active again",
            body = UnitResponse,
            headers(("ETag" = String)),
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
            description = "Not archived, or its name is taken",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/units/{unit_id}/restore")]
pub async fn restore_unit(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitId>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let unit = db::write(&pool, user.actor(), move |conn| {
        let current = super::lock_visible(conn, &user, id)?;
        user.require_office()?;
        if current.archived_at.is_none() {
            return Err(ApiError::Conflict {
                code: "unit_not_archived",
                detail: format!("unit {id} is not archived"),
            });
        }
        let updated = Unit::set_archived(conn, id, false)?;
        let change = Change::changed("restore", "unit", id, &current, &updated);
        Ok((updated, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(unit.version).0))
        .json(UnitResponse::from(unit)))
}
