use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::CycleDecisionPath;
use super::json::{AmendDecision, DecisionView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::decisions;

/// 修改一条决定记录 (Amend a decision record)
///
/// 仅限县纪委办公室，周期处于综合评定阶段时；须带 `If-Match`。文号、日期、意见和备注整体替换，
/// 单位意见整体替换；列出的附件附加到记录上，已附的保留（删除附件用附件自己的 `DELETE`）。类别
/// 不能改。
///
/// Office only, while the cycle is in review; needs `If-Match`. The reference, date, opinion,
/// note and opinions on units are replaced; the uploads listed are attached beside those it
/// has (an attachment goes by its own `DELETE`). The kind cannot change.
///
/// 409: 周期不在综合评定阶段 (`cycle_not_in_review`)，或已通报 (`cycle_published`). 422: 逐项
/// 列出.
#[utoipa::path(
    tag = "publication",
    params(
        CycleDecisionPath,
        ("If-Match" = String, Header,
            description = "记录当前的 ETag (the record's current ETag)", example = "\"1\""),
    ),
    request_body = AmendDecision,
    responses(
        (status = 200, description = "已修改 (amended)", body = DecisionView,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/decisions/{decision_id}")]
pub async fn update_cycle_decision(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleDecisionPath>,
    if_match: IfMatch,
    body: ValidJson<AmendDecision>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.decision_id);
    let input = body.0.into_input().ok_or_else(|| {
        ApiError::field(
            "document_ref",
            "required",
            "the field `document_ref` is required",
        )
    })?;
    let view = db::write(&pool, user.actor(), move |conn| {
        decisions::amend(conn, &user, at, input, |version| {
            if_match.check(&ETag::from_version(version))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
