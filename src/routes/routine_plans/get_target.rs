use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::TargetResponse;
use crate::auth::AuthUser;
use crate::auth::scope::can_read_unit_in_cycle;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleUnitPath;
use crate::models::routine::RoutineTarget;
use crate::ops::cycles::find_cycle;
use crate::ops::routine::assessed_unit;

/// 查看单位的责任制目标 (A unit's responsibility targets)
///
/// 县纪委、单位自己、负责该单位的考核组可读。尚未制定时 `version` 为 0。
///
/// Readable by the office, the unit itself and its team. `version` is 0 before they are
/// written.
///
/// 404: 单位不在本周期考核范围内，或不在调用者的权限范围内 (the unit is not assessed in the
/// cycle, or outside the caller's scope).
#[utoipa::path(
    tag = "routine",
    params(CycleUnitPath),
    responses(
        (status = 200, description = "责任制目标 (the targets)", body = TargetResponse,
            headers(("ETag" = String, description = "当前版本 (current version)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/spot-checks/targets/{unit_id}")]
pub async fn get_routine_target(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = (path.cycle_id, path.unit_id);
    let target = db::run(&pool, move |conn| {
        find_cycle(conn, cycle_id)?;
        if !can_read_unit_in_cycle(conn, &user, cycle_id, unit_id)? {
            return Err(ApiError::not_found(format!(
                "unit {unit_id} is outside your scope"
            )));
        }
        assessed_unit(conn, cycle_id, unit_id)?;
        let row = RoutineTarget::find(conn, cycle_id, unit_id, false)?;
        Ok(TargetResponse::new(cycle_id, unit_id, row))
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(target.version),
        &target,
    ))
}
