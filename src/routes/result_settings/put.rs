use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PutSettings, SettingsView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::result::PublicationScope;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::result_inputs::{self, NewSettings};

/// 修改本周期的结果设置 (Change a cycle's result settings)
///
/// 仅限县纪委办公室；须带 `If-Match`。实行一票否决须指定封顶档次（本周期的档次之一）。结果通报后
/// 不能再改。
///
/// Office only; needs `If-Match`. The veto needs its cap, one of the cycle's bands. They
/// change until the cycle is published.
///
/// 409: 结果已通报 (`cycle_published`). 422: 封顶档次不存在 (`unknown_band`) 或缺少.
#[utoipa::path(
    tag = "results",
    params(
        CyclePath,
        ("If-Match" = String, Header,
            description = "设置当前的 ETag (the settings' current ETag)", example = "\"1\""),
    ),
    request_body = PutSettings,
    responses(
        (status = 200, description = "已保存 (saved)", body = SettingsView,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/result-settings")]
pub async fn put_result_settings(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    if_match: IfMatch,
    body: ValidJson<PutSettings>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let body = body.0;
    let new = NewSettings {
        publication_scope: body.publication_scope.unwrap_or(PublicationScope::Own),
        units_see_leader_grades: body.units_see_leader_grades.unwrap_or(false),
        veto_enabled: body.veto_enabled.unwrap_or(false),
        veto_band: body.veto_band.as_deref().map(clean),
    };
    let saved = db::write(&pool, user.actor(), move |conn| {
        result_inputs::put_settings(conn, &user, id, new, |version| {
            if_match.check(&ETag::from_version(version))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(saved.version).0))
        .json(saved))
}
