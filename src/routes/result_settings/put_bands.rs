use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PutBands, SettingsView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::result_inputs::{self, NewBand};

/// 设置本周期的档次划分 (Set a cycle's grade bands)
///
/// 仅限县纪委办公室；须带结果设置的 `If-Match`。整体替换：每档从其下限到下一档下限之前，须有一档
/// 从 0 开始，因此覆盖 0 至 100 且不重叠。一票否决的封顶档次须仍在其中。结果通报后不能再改。
///
/// Office only; needs the settings' `If-Match`. Replaces them whole: each band reaches from
/// its lower bound up to the next one's, and one starts at 0, so they cover 0 to 100 without
/// overlap. The veto's cap must stay one of them. They change until the cycle is published.
///
/// 409: 结果已通报 (`cycle_published`). 422: 名称或下限重复 (`duplicate`)、没有从 0 开始的档次
/// (`not_covering`)、下限超出范围、封顶档次被删除 (`veto_band_missing`).
#[utoipa::path(
    tag = "results",
    params(
        CyclePath,
        ("If-Match" = String, Header,
            description = "设置当前的 ETag (the settings' current ETag)", example = "\"1\""),
    ),
    request_body = PutBands,
    responses(
        (status = 200, description = "已保存：结果设置 (saved: the settings)",
            body = SettingsView,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/result-settings/bands")]
pub async fn put_grade_bands(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    if_match: IfMatch,
    body: ValidJson<PutBands>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let bands: Vec<NewBand> = body
        .0
        .bands
        .unwrap_or_default()
        .into_iter()
        .map(|b| NewBand {
            name: clean(&b.name.unwrap_or_default()),
            lower_bound: b.lower_bound.unwrap_or_default(),
        })
        .collect();
    let saved = db::write(&pool, user.actor(), move |conn| {
        result_inputs::put_bands(conn, &user, id, &bands, |version| {
            if_match.check(&ETag::from_version(version))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(saved.version).0))
        .json(saved))
}
