use actix_web::{HttpRequest, HttpResponse, delete, web};

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::UnitPath;
use crate::http::{ETag, IfMatch};
use crate::models::Unit;
use crate::openapi::responses::{Conflict, Forbidden};

/// 删除单位 (Delete a unit)
///
/// 仅限县纪委办公室。删除未被任何考核数据引用的单位及其班子成员；被引用的单位请改为归档。
/// `If-Match` 可选。
///
/// Office only. Removes a unit that nothing references, with its leaders; archive a referenced
/// unit instead. `If-Match` is optional.
///
/// 409: 已被考核数据引用 (`unit_referenced`: referenced by assessment data).
#[utoipa::path(
    tag = "units",
    params(
        UnitPath,
        (
            "If-Match" = Option<String>,
            Header,
            description = "仅当单位仍为此 ETag 时删除 (delete only if the unit is still at this ETag)",
        ),
    ),
    responses((status = 204, description = "已删除 (deleted)"), Forbidden, Conflict),
    security(("bearer" = []))
)]
#[delete("/units/{unit_id}")]
pub async fn delete_unit(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.unit_id;
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
