use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::UnitResponse;
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::models::{Unit, UnitId};

/// Archive a unit
///
/// Office only. An archived unit stays readable (marked `archived`), is read-only, and frees its
/// name; it is never deleted while assessment data refers to it. Archiving twice is 409.
#[utoipa::path(
    tag = "units",
    params(("unit_id" = i64, Path, description = "Unit id", example = 1)),
    responses(
        (status = 200, description = "Archived", body = UnitResponse, headers(("ETag" = String))),
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
            description = "Already archived (`unit_archived`)",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/units/{unit_id}/archive")]
pub async fn archive_unit(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitId>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let unit = db::write(&pool, user.actor(), move |conn| {
        let current = super::lock_visible(conn, &user, id)?;
        user.require_office()?;
        super::ensure_active(&current)?;
        let updated = Unit::set_archived(conn, id, true)?;
        let change = Change::changed("archive", "unit", id, &current, &updated);
        Ok((updated, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(unit.version).0))
        .json(UnitResponse::from(unit)))
}
