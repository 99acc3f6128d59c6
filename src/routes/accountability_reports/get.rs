use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::ReportResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleUnitLeaderPath;
use crate::models::self_inspection::AccountabilityReport;
use crate::ops::submitted::{self, DocumentAt};

/// 查看一份述责报告 (One accountability report)
///
/// 一位第一责任人的述责报告，读者同该单位的报告列表。`ETag` 为其版本号（`PUT` 的 `If-Match`
/// 用它）。 (The report of one first responsible person, readable by whoever reads the unit's
/// list; the `ETag` is its version in quotes, the one `PUT` takes as `If-Match`.)
///
/// 404: 不在调用者范围内、不是该单位的第一责任人，或尚未开始 (outside the caller's scope, not a
/// first responsible person of the unit, or not started).
#[utoipa::path(
    tag = "self-inspections",
    params(CycleUnitLeaderPath),
    responses((
        status = 200,
        description = "述责报告 (the report)",
        body = ReportResponse,
        headers(("ETag" = String, description = "Its version in quotes")),
    )),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}")]
pub async fn get_accountability_report(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitLeaderPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleUnitLeaderPath {
        cycle_id,
        unit_id,
        leader_id,
    } = path.into_inner();
    let view = db::run(&pool, move |conn| {
        let at = DocumentAt::new(cycle_id, unit_id, leader_id);
        submitted::read::<AccountabilityReport>(conn, &user, at)
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(view.version),
        &view,
    ))
}
