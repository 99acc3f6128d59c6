use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CommendationBody, CommendationView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{ETag, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::commendations;

/// 登记表彰或通报批评 (Record a commendation or notice)
///
/// 仅限县纪委办公室，周期处于综合评定或结果通报阶段时。表彰单位、表彰个人（须指明该单位的班子
/// 成员）或通报批评，写明事由、文号和通报范围；默认随考核结果一并通报，否则在结果通报后单独通报。
///
/// Office only, while the cycle is in review or published. A commended unit, a commended
/// leader (one of the unit's) or a criticism notice, with why, the document reference and the
/// scope; published with the results by default, otherwise on its own after them.
///
/// 409: 周期尚未进入综合评定 (`commendations_not_open`) 或已归档 (`cycle_archived`). 422: 逐项
/// 列出，如单位不是本周期的单位 (`not_in_cycle`)、班子成员不属于该单位 (`not_of_unit`).
#[utoipa::path(
    tag = "publication",
    params(CyclePath),
    request_body = CommendationBody,
    responses(
        (status = 201, description = "已登记 (recorded)", body = CommendationView,
            headers(
                ("Location" = String, description = "记录的 URL (URL of the record)"),
                ("ETag" = String, description = "记录的版本 (the record's version)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/commendations")]
pub async fn create_commendation(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    body: ValidJson<CommendationBody>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.cycle_id;
    let input = body
        .0
        .into_input()
        .ok_or_else(|| ApiError::field("kind", "required", "the field `kind` is required"))?;
    let view = db::write(&pool, user.actor(), move |conn| {
        commendations::create(conn, &user, cycle_id, input)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, super::location(cycle_id, view.id)))
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
