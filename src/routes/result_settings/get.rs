use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::SettingsView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CyclePath;
use crate::ops::result_inputs;

/// 查看本周期的结果设置 (A cycle's result settings)
///
/// 权重和整改线（周期设置）、通报范围、一票否决及其封顶档次、档次划分。所有角色可读。
///
/// The weights and the rectification line (the cycle's settings), the publication scope, the
/// veto and its cap, and the grade bands. Every role may read them, as it reads the cycle.
#[utoipa::path(
    tag = "results",
    params(CyclePath),
    responses(
        (status = 200, description = "结果设置 (the settings)", body = SettingsView,
            headers(("ETag" = String, description = "当前版本 (current version)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/result-settings")]
pub async fn get_result_settings(
    req: HttpRequest,
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let settings = db::run(&pool, move |conn| result_inputs::settings(conn, id)).await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(settings.version),
        &settings,
    ))
}
