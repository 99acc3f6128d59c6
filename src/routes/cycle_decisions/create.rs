use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{DecisionView, RecordDecision};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{ETag, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::decisions;

/// 登记复核、研究或审定的决定 (Record a decision of the review)
///
/// 仅限县纪委办公室，周期处于综合评定阶段时。三类记录（县党廉办复核及初步意见、县纪委常委会研究
/// 决定、县委常委会审定）每类每周期一条，各含文号、日期、备注和附件；复核须写明对本周期的初步意见，
/// 可对单个单位另附意见。三类齐备方可通报结果。
///
/// Office only, while the cycle is in review. One record of each kind per cycle (the office's
/// review with its preliminary opinion, the standing committee's decision, the county
/// committee's approval), each with its document reference, date, note and attachments; the
/// review carries the opinion on the cycle and may add opinions on single units. Publication
/// needs all three.
///
/// 409: 周期不在综合评定阶段 (`cycle_not_in_review`)，已通报 (`cycle_published`)，或已有该类
/// 记录 (`decision_recorded`). 422: 逐项列出，如复核缺少初步意见、单位不在考核范围、附件不是本人
/// 上传的.
#[utoipa::path(
    tag = "publication",
    params(CyclePath),
    request_body = RecordDecision,
    responses(
        (status = 201, description = "已登记 (recorded)", body = DecisionView,
            headers(
                ("Location" = String, description = "记录的 URL (URL of the record)"),
                ("ETag" = String, description = "记录的版本 (the record's version)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/decisions")]
pub async fn create_cycle_decision(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    body: ValidJson<RecordDecision>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.cycle_id;
    let (kind, input) = body
        .0
        .into_input()
        .ok_or_else(|| ApiError::field("kind", "required", "the field `kind` is required"))?;
    let view = db::write(&pool, user.actor(), move |conn| {
        decisions::record(conn, &user, cycle_id, kind, input)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, super::location(cycle_id, view.id)))
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
