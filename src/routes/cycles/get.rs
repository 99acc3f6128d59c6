use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::CycleResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CyclePath;

/// 查看考核周期 (Get an assessment cycle)
///
/// 所有角色均可读取。
///
/// Every role may read a cycle.
#[utoipa::path(
    tag = "cycles",
    params(CyclePath),
    responses(
        (status = 200, description = "考核周期 (the cycle)", body = CycleResponse,
            headers(("ETag" = String, description = "当前版本 (current version)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}")]
pub async fn get_cycle(
    req: HttpRequest,
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let cycle = db::run(&pool, move |conn| super::find_cycle(conn, id)).await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(cycle.version),
        &CycleResponse::from(cycle),
    ))
}
