use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::AcknowledgementView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleUnitPath;
use crate::openapi::responses::Forbidden;
use crate::ops::acknowledgements;

/// 查看考核结果回执 (A unit's acknowledgement of its result)
///
/// 县纪委办公室和单位本身可看（考核组为 403，其他单位为 404）。回执针对最近一次通报：周期退回
/// 综合评定后再次通报，单位须重新回执。通报前单位为 403 `not_published`；县纪委办公室看到尚无通报。
///
/// The office and the unit itself (403 for an inspector, 404 for another unit). It answers the
/// latest publication: after the cycle is reopened and published again, the unit acknowledges
/// again. Before publication a unit gets 403 `not_published`; the office sees no publication.
#[utoipa::path(
    tag = "results",
    params(CycleUnitPath),
    responses(
        (status = 200, description = "回执情况 (the acknowledgement, or that there is none yet)",
            body = AcknowledgementView,
            headers(("ETag" = String, description = "正文的哈希 (a hash of the body)"))),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/result/acknowledgement")]
pub async fn get_result_acknowledgement(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.unit_id);
    let view = db::run(&pool, move |conn| acknowledgements::read(conn, &user, at)).await?;
    Ok(respond_with_etag(&req, &ETag::of_body(&view), &view))
}
