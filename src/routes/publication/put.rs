use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PublicationSettingsView, PutPublication};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::result::PublicationScope;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::rectifications::DEFAULT_RECTIFICATION_DAYS;
use crate::ops::snapshots::{self, NewPublicationSettings};

/// 修改本周期的结果通报设置 (Change a cycle's publication settings)
///
/// 仅限县纪委办公室；须带 `If-Match`（与结果设置共用版本）。只在综合评定阶段修改；通报前须填写通报
/// 文号。整改期限（天）用于此后的通报：已欠整改的单位保留原期限。
///
/// Office only; needs `If-Match` (the version is shared with the result settings). They change
/// while the cycle is in review; publication needs the notice's reference. The rectification
/// days apply from the next publication on: a unit that already owes keeps its date.
///
/// 409: 周期不在综合评定阶段 (`cycle_not_in_review`)，或已通报 (`cycle_published`).
#[utoipa::path(
    tag = "publication",
    params(
        CyclePath,
        ("If-Match" = String, Header,
            description = "设置当前的 ETag (the settings' current ETag)", example = "\"1\""),
    ),
    request_body = PutPublication,
    responses(
        (status = 200, description = "已保存 (saved)", body = PublicationSettingsView,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/publication")]
pub async fn put_publication_settings(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    if_match: IfMatch,
    body: ValidJson<PutPublication>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let body = body.0;
    let new = NewPublicationSettings {
        publication_scope: body.publication_scope.unwrap_or(PublicationScope::Own),
        units_see_leader_grades: body.units_see_leader_grades.unwrap_or(false),
        inspectors_see_ranking: body.inspectors_see_ranking.unwrap_or(false),
        document_ref: body.document_ref.as_deref().map(clean),
        rectification_days: body
            .rectification_days
            .and_then(|n| i32::try_from(n).ok())
            .unwrap_or(DEFAULT_RECTIFICATION_DAYS),
    };
    let saved = db::write(&pool, user.actor(), move |conn| {
        snapshots::put_settings(conn, &user, id, new, |version| {
            if_match.check(&ETag::from_version(version))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(saved.version).0))
        .json(saved))
}
