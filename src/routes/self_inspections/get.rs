use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::SelfInspectionResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleUnitPath;
use crate::models::self_inspection::SelfInspection;
use crate::ops::submitted::{self, DocumentAt};

/// 查看单位自查 (A unit's self-inspection)
///
/// 单位读本单位的，考评办读全部，考核组成员读本组在该周期负责的单位的。`ETag` 为其版本号。
/// 404: 不在调用者范围内、该单位未参加本周期考核，或尚未开始自查 (outside the caller's scope,
/// not assessed in the cycle, or not started; the three are not told apart).
#[utoipa::path(
    tag = "self-inspections",
    params(CycleUnitPath),
    responses((
        status = 200,
        description = "自查报告 (the self-inspection)",
        body = SelfInspectionResponse,
        headers(("ETag" = String, description = "Its version in quotes")),
    )),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection")]
pub async fn get_self_inspection(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let at = DocumentAt::new(path.cycle_id, path.unit_id, ());
    let view = db::run(&pool, move |conn| {
        submitted::read::<SelfInspection>(conn, &user, at)
    })
    .await?;
    let etag = ETag::from_version(view.version);
    Ok(respond_with_etag(&req, &etag, &view))
}
