use actix_web::{HttpResponse, post, web};

use super::json::RectificationResponse;
use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleUnitPath;
use crate::http::submitted_handlers::DocumentPath;
use crate::http::{Empty, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::rectifications;
use crate::ops::submitted;

/// 验收整改 (Accept a submitted rectification)
///
/// 仅限县纪委办公室，且仅在结果通报后（周期处于 `published`）。验收后不再修改；周期归档须每个
/// 应整改的单位都已验收。 (Office only, while the cycle is published. An accepted rectification no
/// longer changes; archiving the cycle needs every owed one accepted.)
///
/// 403: 调用者不是县纪委办公室 (the caller is not the office). 404: 无须整改，或不在调用者范围内
/// (none owed, or outside the caller's scope). 409: 未处于已提交状态 (`not_submitted`)，结果未
/// 通报 (`cycle_not_published`) 或周期已归档 (`cycle_archived`).
#[utoipa::path(
    tag = "rectifications",
    params(CycleUnitPath),
    responses(
        (
            status = 200,
            description = "已验收 (accepted)",
            body = RectificationResponse,
            headers(("ETag" = String, description = "Its new version in quotes")),
        ),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/rectification/accept")]
pub async fn accept_rectification(
    user: AuthUser,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    path: web::Path<CycleUnitPath>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let at = path.into_inner().at();
    let now = clock.now();
    let view = db::write(&pool, user.actor(), move |conn| {
        rectifications::accept(conn, &user, at, now)
    })
    .await?;
    tracing::info!(cycle_id = %at.cycle_id, unit_id = %at.unit_id, "rectification accepted");
    Ok(submitted::answer::<
        crate::models::rectification::Rectification,
    >(&view))
}
