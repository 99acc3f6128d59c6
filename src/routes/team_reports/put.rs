use diesel::PgConnection;

use super::json::{PutTeamReport, TeamReportResponse};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::http::params::CycleUnitPath;
use crate::http::signed_handlers::signed_edit;
use crate::http::{ETag, IfMatch};
use crate::models::team_report::TeamReport;
use crate::ops::signed::{self, Saved};
use crate::ops::team_reports;

signed_edit! {
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
    put_team_report(CycleUnitPath, PutTeamReport) -> TeamReportResponse by write, tag "scoring",
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/team-report",
        if_match "报告的 GET 所发的 ETag (the ETag the report's GET sent)",
        answers "已保存 (Saved)", etag "报告的新标签 (the report's new tag)";
}

/// Writes the report's text (a blank part is stored as not written) under `If-Match` with the
/// tag its GET sent, and answers the report with its new tag.
fn write(
    conn: &mut PgConnection,
    user: &AuthUser,
    path: CycleUnitPath,
    if_match: &IfMatch,
    body: PutTeamReport,
) -> Result<(Saved<TeamReportResponse>, Change), ApiError> {
    let text = body.text();
    let at = (path.cycle_id, path.unit_id);
    let (ctx, (before, after)) = signed::edit(conn, user, at, |conn, ctx, row: &TeamReport| {
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
    })?;
    let change = Change::updated("team_report", ctx.audit_id(), &before, &after);
    let report = team_reports::view(conn, &ctx)?;
    let etag = ETag::of_body(&report);
    Ok((Saved { etag, body: report }, change))
}
