use actix_web::http::header;
use actix_web::{HttpResponse, put, web};
use serde_json::json;

use super::json::{PutMethods, RecordResponse};
use crate::audit::Change;
use crate::auth::Inspector;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::scoring::ScoringRecord;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::{sheets, signed};
use crate::routes::params::CycleUnitPath;

/// 记录考核方法 (Record the methods the team used)
///
/// 听取汇报、民主测评、个别谈话、召开座谈会、查阅资料（方案第四条）。仅限被指派考核组的成员和
/// 组长；须带 `If-Match`（评分表的 `methods_etag`）。
///
/// Hearing the unit's report, democratic evaluation, individual talks, group discussion,
/// reviewing records (plan §4). Team members and leader only; needs `If-Match` with the
/// sheet's `methods_etag`. Like any change, it voids the signatures collected so far.
///
/// 403: 调用者是县纪委 (the caller is the office). 409: 评分表已定稿，或周期不在专项考核检查或
/// 复核阶段 (the sheet is final, or the cycle is not in the special inspection or the review).
#[utoipa::path(
    tag = "scoring",
    params(
        CycleUnitPath,
        ("If-Match" = String, Header,
            description = "评分表的 methods_etag (the sheet's methods_etag)", example = "\"1\""),
    ),
    request_body = PutMethods,
    responses(
        (status = 200, description = "已记录 (Recorded)", body = RecordResponse,
            headers(("ETag" = String, description = "新的 methods_etag (the new methods_etag)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/methods")]
pub async fn put_record_methods(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    if_match: IfMatch,
    body: ValidJson<PutMethods>,
) -> Result<HttpResponse, ApiError> {
    let mut methods = body.0.methods;
    methods.sort_by_key(|m| m.as_str());
    methods.dedup();
    let sheet = db::write(&pool, user.actor(), move |conn| {
        let (ctx, before) = signed::edit(
            conn,
            &user,
            (path.cycle_id, path.unit_id),
            |conn, _, record: &ScoringRecord| {
                if_match.check(&ETag::from_version(record.methods_version))?;
                ScoringRecord::set_methods(conn, record.id, &methods)?;
                Ok(record.methods.clone())
            },
        )?;
        let sheet = sheets::view(conn, &ctx)?;
        let change = Change::updated(
            "scoring_record",
            ctx.audit_id(),
            &json!({"methods": before}),
            &json!({"methods": sheet.methods}),
        );
        Ok((sheet, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, sheet.methods_etag.clone()))
        .json(sheet))
}
