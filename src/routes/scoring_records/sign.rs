use actix_web::{HttpResponse, post, web};

use super::json::{Empty, RecordResponse};
use crate::auth::Inspector;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::models::scoring::ScoringRecord;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::signed;
use crate::routes::params::CycleUnitPath;

/// 签署考核评分表 (Sign the score sheet)
///
/// 被指派考核组的每位成员和组长每轮签署一次；签名记录签署人、时间、所签版本，以及此刻评分表规范
/// 内容的 SHA-256（RFC 8785，见 README）。全部签署后评分表定稿。应答是评分表的现状；`Location`
/// 指向新签名，`ETag` 是新签名的 GET 所发的标签。
///
/// Each member and the leader of the assigned team signs once per round, with the SHA-256 of the
/// sheet's canonical content; when all have signed the sheet is final. The answer is the sheet
/// as it now stands; `Location` names the new signature and `ETag` is the tag its GET sends.
///
/// 403: 调用者是县纪委 (the caller is the office). 409: 不在待签状态，或本轮已签过 (not
/// awaiting signatures, or already signed in this round).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitPath),
    request_body = Empty,
    responses(
        (status = 201, description = "已签署：评分表现状 (Signed: the sheet now)",
            body = RecordResponse,
            headers(
                ("Location" = String,
                    description = "评分表新签名的 URL (URL of the sheet's new signature)"),
                ("ETag" = String, description = "新签名的标签 (the signature's tag)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/signatures")]
pub async fn sign_scoring_record(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let signed = db::write(&pool, user.actor(), move |conn| {
        signed::sign::<ScoringRecord>(conn, &user, (path.cycle_id, path.unit_id))
    });
    Ok(signed.await?.respond())
}
