use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PutTeamReport, TeamReportResponse};
use crate::audit::Change;
use crate::auth::Inspector;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::team_report::{TeamReport, TeamReportText};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::{signed, team_reports};
use crate::routes::params::CycleUnitPath;

/// 撰写考核报告 (Write the team's assessment report)
///
/// 被指派考核组的成员和组长；须带 `If-Match`（报告的 GET 所发的 `ETag`，即报告连同签名的哈希；
/// `*` 表示任意）。首次签名后的修改使已有签名作废。空白的部分存为未写。
///
/// Members and the leader of the assigned team; needs `If-Match` with the ETag the report's GET
/// sent (a hash of the report as shown, signatures included; `*` for any). A change after the
/// first signature voids the signatures.
///
/// 403: 调用者是县纪委 (the caller is the office). 409: 报告已定稿，或周期不在专项考核检查或
/// 复核阶段 (the report is final, or the cycle is not in the special inspection or the review).
#[utoipa::path(
    tag = "scoring",
    params(
        CycleUnitPath,
        ("If-Match" = String, Header,
            description = "报告的 GET 所发的 ETag (the ETag the report's GET sent)"),
    ),
    request_body = PutTeamReport,
    responses(
        (status = 200, description = "已保存 (Saved)", body = TeamReportResponse,
            headers(("ETag" = String, description = "报告的新标签 (the report's new tag)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report")]
pub async fn put_team_report(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    if_match: IfMatch,
    body: ValidJson<PutTeamReport>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let part = |v: &Option<String>| v.as_deref().map(clean).filter(|t| !t.is_empty());
    let text = TeamReportText {
        overall_evaluation: part(&body.overall_evaluation),
        problems_found: part(&body.problems_found),
        rectification_advice: part(&body.rectification_advice),
    };
    let report = db::write(&pool, user.actor(), move |conn| {
        let (ctx, (before, after)) = signed::edit(
            conn,
            &user,
            (path.cycle_id, path.unit_id),
            |conn, ctx, row: &TeamReport| {
                // The tag the GET sent: a hash of the report as shown (signatures included).
                if_match.check(&ETag::of_body(&team_reports::view(conn, ctx)?))?;
                TeamReport::write_text(conn, row.id, &text)?;
                let written = TeamReport {
                    overall_evaluation: text.overall_evaluation.clone(),
                    problems_found: text.problems_found.clone(),
                    rectification_advice: text.rectification_advice.clone(),
                    ..row.clone()
                };
                let before = team_reports::content(ctx, Some(row));
                Ok((before, team_reports::content(ctx, Some(&written))))
            },
        )?;
        let change = Change::updated("team_report", ctx.audit_id(), &before, &after);
        Ok((team_reports::view(conn, &ctx)?, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::of_body(&report).0))
        .json(report))
}
