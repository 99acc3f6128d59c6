use actix_web::{get, web};

use super::json::VersionResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::{DocumentVersion, SelfInspection};
use crate::models::{CycleId, UnitId};

/// Every submitted version of a self-inspection
///
/// Oldest first, each as submitted, with its return when it was returned.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (status = 200, description = "The versions", body = Vec<VersionResponse>),
        (
            status = 404,
            description = "Not started, or outside the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/versions")]
pub async fn list_self_inspection_versions(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
) -> Result<web::Json<Vec<VersionResponse>>, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let versions = db::run(&pool, move |conn| {
        crate::ops::submitted::context(conn, &user, cycle_id, unit_id)?;
        let doc = SelfInspection::find(conn, cycle_id, unit_id, false)?
            .ok_or_else(|| super::not_started(unit_id))?;
        Ok(DocumentVersion::for_document(
            conn,
            OwnerKind::SelfInspection,
            doc.id,
        )?)
    })
    .await?;
    Ok(web::Json(
        versions.into_iter().map(VersionResponse::from).collect(),
    ))
}
