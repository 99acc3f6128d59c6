use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateVeto, VetoView};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::http::{ETag, ValidJson};
use crate::models::UnitId;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::result_inputs::{self, NewVeto};

/// 记录一票否决事件 (Record a veto event)
///
/// 仅限县纪委办公室，且本周期的结果设置实行一票否决。被否决单位的档次不高于设置的封顶档次，
/// 无论得分多少。结果通报后不能再记录。
///
/// Office only, where the cycle's result settings enable the veto. A vetoed unit's band is at
/// most the settings' cap whatever its score. Not after publication.
///
/// 409: 本周期未实行一票否决 (`veto_not_enabled`)，或结果已通报 (`cycle_published`). 422: 单位
/// 未纳入本周期考核 (`not_assessed`)，或班子成员不属于该单位 (`not_of_unit`).
#[utoipa::path(
    tag = "results",
    params(CyclePath),
    request_body = CreateVeto,
    responses(
        (status = 201, description = "已记录 (recorded)", body = VetoView,
            headers(
                ("Location" = String, description = "否决事件的 URL (URL of the event)"),
                ("ETag" = String, description = "其 GET 返回的标签 (the tag its GET sends)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/vetoes")]
pub async fn create_veto(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    body: ValidJson<CreateVeto>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let body = body.0;
    let new = NewVeto {
        unit_id: body.unit_id.unwrap_or(UnitId(0)),
        leader_id: body.leader_id,
        reason: clean(&body.reason.unwrap_or_default()),
        document_ref: clean(&body.document_ref.unwrap_or_default()),
    };
    let veto = db::write(&pool, user.actor(), move |conn| {
        result_inputs::create_veto(conn, &user, id, new)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/assessment-cycles/{id}/vetoes/{}", veto.id),
        ))
        .insert_header((header::ETAG, ETag::of_body(&veto).0))
        .json(veto))
}
