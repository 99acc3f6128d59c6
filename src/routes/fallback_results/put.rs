use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};

use super::json::{FallbackSource, FallbackView, PutFallback};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CycleUnitPath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::result_inputs::{self, NewFallback};

/// 设置垂直管理单位的替代结果 (Set a vertical unit's fallback result)
///
/// 仅限县纪委办公室。设置 (201) 或替换 (200，须带 `If-Match`)。来源为本单位自评分
/// (`self_score`) 或上级主管部门的考核结果 (`superior_assessment`)，并注明依据文件。结果通报后
/// 不能再改。
///
/// Office only. Sets it (201) or replaces it (200, needs `If-Match`). Its source is the unit's
/// own self-score or its superior department's result, with the document it comes from. Not
/// after publication.
///
/// 404: 不是本周期的垂直管理单位 (not a vertical unit of the cycle). 409: 结果已通报
/// (`cycle_published`). 422: 结果超出 0 至 100 (`out_of_range`).
#[utoipa::path(
    tag = "results",
    params(
        CycleUnitPath,
        ("If-Match" = Option<String>, Header,
            description = "替换时须带当前 ETag (the current ETag, to replace it)",
            example = "\"1\""),
    ),
    request_body = PutFallback,
    responses(
        (status = 200, description = "已替换 (replaced)", body = FallbackView,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        (status = 201, description = "已设置 (set)", body = FallbackView,
            headers(
                ("Location" = String, description = "替代结果的 URL (its URL)"),
                ("ETag" = String, description = "新版本 (the new version)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/fallback-result")]
pub async fn put_fallback_result(
    req: HttpRequest,
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    body: ValidJson<PutFallback>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.unit_id);
    let body = body.0;
    let new = NewFallback {
        value: body.value.unwrap_or_default(),
        source: body.source.unwrap_or(FallbackSource::SelfScore),
        document_ref: clean(&body.document_ref.unwrap_or_default()),
    };
    let if_match = IfMatch::optional(&req);
    let (view, created) = db::write(&pool, user.actor(), move |conn| {
        let (view, created, change) =
            result_inputs::put_fallback(conn, &user, at, new, |current| {
                match (current, &if_match) {
                    (Some(version), Some(tag)) => tag.check(&ETag::from_version(version)),
                    (Some(_), None) => Err(ApiError::PreconditionRequired(
                        "replacing a fallback result needs If-Match with its ETag".to_owned(),
                    )),
                    (None, _) => Ok(()),
                }
            })?;
        Ok(((view, created), change))
    })
    .await?;
    let etag = ETag::from_version(view.version).0;
    Ok(if created {
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!(
                    "/api/v1/assessment-cycles/{}/units/{}/fallback-result",
                    at.0, at.1
                ),
            ))
            .insert_header((header::ETAG, etag))
            .json(view)
    } else {
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag))
            .json(view)
    })
}
