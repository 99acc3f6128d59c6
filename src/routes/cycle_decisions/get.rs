use actix_web::{HttpRequest, HttpResponse, get, web};

use super::CycleDecisionPath;
use super::json::DecisionView;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::openapi::responses::Forbidden;
use crate::ops::decisions;

/// 查看一条决定记录 (One decision record of the review)
///
/// 仅限县纪委办公室。`ETag` 是记录的版本，修改时以之为 `If-Match`。
///
/// Office only. The `ETag` is the record's version; an amendment takes it as `If-Match`.
#[utoipa::path(
    tag = "publication",
    params(CycleDecisionPath),
    responses(
        (status = 200, description = "决定记录 (the record)", body = DecisionView,
            headers(("ETag" = String, description = "记录的版本 (the record's version)"))),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/decisions/{decision_id}")]
pub async fn get_cycle_decision(
    req: HttpRequest,
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleDecisionPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleDecisionPath {
        cycle_id,
        decision_id,
    } = path.into_inner();
    let view = db::run(&pool, move |conn| {
        decisions::get(conn, cycle_id, decision_id)
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(view.version),
        &view,
    ))
}
