use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::ExtensionResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::cycle::DeadlineExtension;
use crate::models::{CycleId, ExtensionId};

/// One deadline extension
///
/// Readable by whoever reads the cycle's extensions. An extension never changes, so its `ETag`
/// (a hash of the body, the one its creation answered) never does either; a matching
/// `If-None-Match` answers 304.
#[utoipa::path(
    tag = "cycles",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("extension_id" = i64, Path, description = "Extension id", example = 1),
    ),
    responses(
        (status = 200, description = "The extension", body = ExtensionResponse,
            headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 404, description = "No such cycle, or no such extension of it",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/deadline-extensions/{extension_id}")]
pub async fn get_deadline_extension(
    req: HttpRequest,
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, ExtensionId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, extension_id) = path.into_inner();
    let row = db::run(&pool, move |conn| {
        super::find_cycle(conn, cycle_id)?;
        DeadlineExtension::find(conn, cycle_id, extension_id)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "cycle {cycle_id} has no deadline extension {extension_id}"
            ))
        })
    })
    .await?;
    let body = ExtensionResponse::from(row);
    Ok(respond_with_etag(&req, &ETag::of_body(&body), &body))
}
