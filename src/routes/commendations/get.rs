use actix_web::{HttpRequest, HttpResponse, get, web};

use super::CommendationPath;
use super::json::CommendationView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::ops::commendations;

/// 查看一条表彰或通报批评 (One commendation or notice)
///
/// 县纪委办公室随时可看；单位和考核组只看到范围内已通报的（见列表），其他为 404。`ETag` 是记录的
/// 版本，修改时以之为 `If-Match`。
///
/// The office at any time; units and inspectors only the published ones within the scope (see
/// the list), 404 otherwise. The `ETag` is the record's version; a replacement takes it as
/// `If-Match`.
#[utoipa::path(
    tag = "publication",
    params(CommendationPath),
    responses(
        (status = 200, description = "记录 (the record)", body = CommendationView,
            headers(("ETag" = String, description = "记录的版本 (the record's version)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/commendations/{commendation_id}")]
pub async fn get_commendation(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CommendationPath>,
) -> Result<HttpResponse, ApiError> {
    let CommendationPath {
        cycle_id,
        commendation_id,
    } = path.into_inner();
    let view = db::run(&pool, move |conn| {
        commendations::get(conn, &user, cycle_id, commendation_id)
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(view.version),
        &view,
    ))
}
