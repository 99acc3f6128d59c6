use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::PublicationSettingsView;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CyclePath;
use crate::openapi::responses::Forbidden;
use crate::ops::snapshots;

/// 查看本周期的结果通报设置 (A cycle's publication settings)
///
/// 仅限县纪委办公室。通报范围、单位能否看到班子成员档次、考核组能否看到全部排名和通报文号。
///
/// Office only. The scope a unit sees, whether units see their leaders' grades, whether
/// inspectors see the whole ranking, and the publication notice's reference.
#[utoipa::path(
    tag = "publication",
    params(CyclePath),
    responses(
        (status = 200, description = "通报设置 (the settings)", body = PublicationSettingsView,
            headers(("ETag" = String, description = "当前版本 (current version)"))),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/publication")]
pub async fn get_publication_settings(
    req: HttpRequest,
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let settings = db::run(&pool, move |conn| snapshots::settings(conn, id)).await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(settings.version),
        &settings,
    ))
}
