use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{AcknowledgeBody, AcknowledgementView};
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean_opt;
use crate::http::params::CycleUnitPath;
use crate::http::{ETag, ValidJson};
use crate::openapi::responses::Forbidden;
use crate::ops::acknowledgements;

/// 回执考核结果 (Acknowledge the unit's published result)
///
/// 仅限单位本身，考核结果通报后（之前为 403 `not_published`），可附备注。回执针对最近一次通报，
/// 记录回执人和时间；同一次通报重复回执时返回已有回执（200，不重复记录）。
///
/// The unit itself, once its result is published (403 `not_published` before), with an
/// optional note. It answers the latest publication and records who and when; acknowledging
/// the same publication again answers the acknowledgement made (200, nothing recorded twice).
#[utoipa::path(
    tag = "results",
    params(CycleUnitPath),
    request_body = AcknowledgeBody,
    responses(
        (status = 201, description = "已回执 (acknowledged)", body = AcknowledgementView,
            headers(
                ("Location" = String, description = "回执的 URL (URL of the acknowledgement)"),
                ("ETag" = String, description = "正文的哈希 (a hash of the body)"),
            )),
        (status = 200, description = "此前已回执 (acknowledged before; unchanged)",
            body = AcknowledgementView,
            headers(("ETag" = String, description = "正文的哈希 (a hash of the body)"))),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/result/acknowledgement")]
pub async fn acknowledge_result(
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    body: ValidJson<AcknowledgeBody>,
) -> Result<HttpResponse, ApiError> {
    let at = (path.cycle_id, path.unit_id);
    let note = clean_opt(body.0.note.as_deref());
    let reader = user.clone();
    let made = db::run(&pool, move |conn| acknowledgements::made(conn, &reader, at)).await?;
    if let Some(view) = made {
        return Ok(HttpResponse::Ok()
            .insert_header((header::ETAG, ETag::of_body(&view).0))
            .json(view));
    }
    let view = db::write(&pool, user.actor(), move |conn| {
        acknowledgements::acknowledge(conn, &user, at, note)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, super::location(at.0, at.1)))
        .insert_header((header::ETAG, ETag::of_body(&view).0))
        .json(view))
}
