use actix_web::{get, web};

use super::json::ExtensionResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::CycleId;
use crate::models::cycle::DeadlineExtension;

/// A cycle's deadline extensions
///
/// Every extension, oldest first, with its reason.
#[utoipa::path(
    tag = "cycles",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    responses(
        (status = 200, description = "The extensions", body = Vec<ExtensionResponse>),
        (
            status = 404,
            description = "No such cycle",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/deadline-extensions")]
pub async fn list_deadline_extensions(
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
) -> Result<web::Json<Vec<ExtensionResponse>>, ApiError> {
    let id = path.into_inner();
    let rows = db::run(&pool, move |conn| {
        super::find_cycle(conn, id)?;
        Ok(DeadlineExtension::for_cycle(conn, id)?)
    })
    .await?;
    Ok(web::Json(
        rows.into_iter().map(ExtensionResponse::from).collect(),
    ))
}
