use actix_web::http::header;
use actix_web::{HttpResponse, patch, web};

use super::json::{UnitResponse, UpdateUnit};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::conditional::stale;
use crate::http::json::clean;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::{Unit, UnitChangeset, UnitId};

/// Update a unit
///
/// Office only. Needs `If-Match` with the unit's current `ETag`: a stale tag answers 412 and
/// changes nothing. An archived unit is read-only (409).
#[utoipa::path(
    tag = "units",
    params(
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("If-Match" = String, Header, description = "The unit's current ETag", example = "\"1\""),
    ),
    request_body = UpdateUnit,
    responses(
        (status = 200, description = "Updated", body = UnitResponse, headers(("ETag" = String))),
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
            description = "Archived, name taken, or too many first responsible persons for the \
                new kind",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 412,
            description = "Stale If-Match",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Invalid fields",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 428,
            description = "If-Match missing",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[patch("/units/{unit_id}")]
pub async fn update_unit(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitId>,
    if_match: IfMatch,
    body: ValidJson<UpdateUnit>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.0;
    let unit = db::write(&pool, user.actor(), move |conn| {
        let current = super::lock_visible(conn, &user, id)?;
        user.require_office()?;
        if_match.check(&ETag::from_version(current.version))?;
        super::ensure_active(&current)?;
        if let Some(kind) = body.kind
            && kind != current.kind
        {
            super::ensure_first_responsible_limit(kind, super::first_responsible_count(conn, id)?)?;
        }
        let changes = UnitChangeset {
            name: body.name.as_deref().map(clean),
            kind: body.kind,
            contact_person: body.contact_person.map(|v| v.as_deref().map(clean)),
            contact_phone: body.contact_phone.map(|v| v.as_deref().map(clean)),
            address: body.address.map(|v| v.as_deref().map(clean)),
            email: body.email.map(|v| v.as_deref().map(clean)),
        };
        let updated =
            Unit::update_if_version(conn, id, current.version, &changes)?.ok_or_else(stale)?;
        let change = Change::updated("unit", id, &current, &updated);
        Ok((updated, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(unit.version).0))
        .json(UnitResponse::from(unit)))
}
