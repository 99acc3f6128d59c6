use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::UnitResult;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleUnitPath;
use crate::openapi::responses::Forbidden;
use crate::ops::results;

/// 查看单位的考核结果 (A unit's result)
///
/// 县纪委办公室随时可看。单位在通报后看到本单位的结果（之前为 403 `not_published`），以及通报
/// 范围允许的其他单位；考核组在通报后看到本组单位的。垂直管理单位有替代结果时，结果为
/// `fallback`。班子成员档次只在通报设置允许时向本单位显示。
///
/// The office sees it at any time. A unit sees its own after publication (403
/// `not_published` before) and others' where the publication scope grants; an inspector its
/// teams' units after publication. A vertical unit with a fallback result answers it with
/// status `fallback`. Leader grades are shown to the unit only where the settings allow.
///
/// 404: 不在调用者的权限范围内，或没有结果 (outside the caller's scope, or no result).
#[utoipa::path(
    tag = "results",
    params(CycleUnitPath),
    responses(
        (status = 200, description = "单位的结果 (the unit's result)", body = UnitResult,
            headers(("ETag" = String, description = "结果内容的标签 (the result's tag)"))),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/result")]
pub async fn get_unit_result(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = (path.cycle_id, path.unit_id);
    let result = db::run(&pool, move |conn| {
        results::get(conn, &user, cycle_id, unit_id)
    })
    .await?;
    // Computed from many rows: its tag is a hash of what it shows.
    Ok(respond_with_etag(&req, &ETag::of_body(&result), &result))
}
