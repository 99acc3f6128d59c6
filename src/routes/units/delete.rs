use actix_web::{HttpRequest, HttpResponse, delete, web};

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, IfMatch};
use crate::models::{Unit, UnitId};

/// Delete a unit
///
/// Office only. Removes a unit that nothing references, with its leaders; a unit that assessment
/// data refers to answers 409 (`unit_referenced`): archive it instead. `If-Match` is optional.
#[utoipa::path(
    tag = "units",
    params(
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        (
            "If-Match" = Option<String>,
            Header,
            description = "Delete only if the unit is still at this ETag",
        ),
    ),
    responses(
        (status = 204, description = "Deleted"),
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
            description = "Referenced by assessment data (`unit_referenced`)",
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
#[delete("/units/{unit_id}")]
pub async fn delete_unit(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitId>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let if_match = IfMatch::optional(&req);
    db::write(&pool, user.actor(), move |conn| {
        let current = super::lock_visible(conn, &user, id)?;
        user.require_office()?;
        if let Some(if_match) = if_match {
            if_match.check(&ETag::from_version(current.version))?;
        }
        Unit::delete(conn, id).map_err(|e| match ApiError::from(e) {
            ApiError::Conflict {
                code: "referenced", ..
            } => ApiError::Conflict {
                code: "unit_referenced",
                detail: format!("unit {id} is referenced by assessment data; archive it instead"),
            },
            other => other,
        })?;
        Ok(((), Change::deleted("unit", id, &current)))
    })
    .await?;
    tracing::info!(unit_id = %id, "unit deleted");
    Ok(HttpResponse::NoContent().finish())
}
