use actix_web::{HttpResponse, post, web};

use super::json::{Empty, TeamReportResponse};
use crate::auth::Inspector;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::models::team_report::TeamReport;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::signed;
use crate::routes::params::CycleUnitPath;

/// 签署考核报告 (Sign the team report)
///
/// 每位成员和组长每轮签署一次，附报告规范内容的 SHA-256；全部签署后定稿。应答是报告的现状；
/// `Location` 指向新签名，`ETag` 是新签名的 GET 所发的标签。
///
/// Each member and the leader once per round, with the SHA-256 of the report's canonical
/// content; final when all have signed. The answer is the report as it now stands.
///
/// 403: 调用者是县纪委 (the caller is the office). 404: 不在权限范围内，或考核组还没有写报告
/// (outside the caller's scope, or not started). 409: 不在待签状态，或本轮已签过 (not awaiting
/// signatures, or already signed in this round).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitPath),
    request_body = Empty,
    responses(
        (status = 201, description = "已签署：报告现状 (Signed: the report now)",
            body = TeamReportResponse,
            headers(
                ("Location" = String,
                    description = "报告新签名的 URL (URL of the report's new signature)"),
                ("ETag" = String, description = "新签名的标签 (the signature's tag)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/signatures")]
pub async fn sign_team_report(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let created = db::write(&pool, user.actor(), move |conn| {
        signed::sign::<TeamReport>(conn, &user, (path.cycle_id, path.unit_id))
    })
    .await?;
    Ok(created.respond())
}
