//! The team report's part of the signed family: read it, read one of its signatures, submit it
//! for signature, sign it, reopen it (`signed_handlers!`). The words are the report's own.

use super::json::TeamReportResponse;
use crate::http::signed_handlers::signed_handlers;
use crate::models::team_report::TeamReport;

signed_handlers! {
    member TeamReport, view TeamReportResponse, tag "scoring";

    /// 查看考核组对单位的考核报告 (A team's assessment report on a unit)
    ///
    /// 总体评价、发现的问题和整改建议，以及状态、是否逾期和本轮有效的签名；与评分表同样可读。`ETag`
    /// 是整份报告的哈希，写报告时作为 `If-Match` 发送。
    ///
    /// The overall evaluation, the problems found and the rectification advice, with the status,
    /// the late mark and the standing signatures; readable exactly as the score sheet is. The
    /// `ETag` is a hash of the whole report: send it as `If-Match` when writing it.
    ///
    /// 404: 不在调用者的权限范围内 (outside the caller's scope).
    get get_team_report
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/team-report"
        answers "考核报告 (The report)";

    /// 查看考核报告的一个签名 (One signature of a team report)
    ///
    /// 与报告本身同样可读；作废的签名仍可读，并标明作废。`ETag` 只在签名作废时变化。
    ///
    /// Readable exactly as the report is; a voided signature stays readable, marked void, and its
    /// `ETag` changes only then.
    ///
    /// 404: 不在权限范围内，或不是这份报告的签名 (outside the caller's scope, or a signature of
    /// another document).
    get_signature get_team_report_signature
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/signatures/{signature_id}"
        answers "考核报告的签名 (A signature of the report)";

    /// 提交考核报告待签 (Submit the team report for signature)
    ///
    /// 三部分都须写好。在本周期考核报告截止日（当天结束，北京时间）之后提交的标为逾期，仍予接受。
    ///
    /// Needs all three parts written. Marked late after the cycle's team-report due date (end of
    /// that day, Asia/Shanghai), and accepted.
    ///
    /// 403: 调用者是县纪委 (the caller is the office). 404: 不在权限范围内，或考核组还没有写报告
    /// (outside the caller's scope, or not started). 409: 报告不是编辑中，或周期不在专项考核检查或
    /// 复核阶段 (not open, or the cycle is not in the special inspection or the review). 422: 缺少
    /// 某一部分，逐项列出 (a part is missing; each is named).
    submit submit_team_report
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/submit";

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
    sign sign_team_report
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/signatures"
        answers "已签署：报告现状 (Signed: the report now)",
        location "报告新签名的 URL (URL of the report's new signature)";

    /// 退回重开已定稿的考核报告 (Reopen a final team report)
    ///
    /// 仅限县纪委，须写明理由；已签署的内容、版本和签名留档，开始新一轮签署。
    ///
    /// Office only, with a reason; the signed content, its version and its signatures stay on
    /// record, and a new round of signing begins.
    ///
    /// 403: 调用者不是县纪委 (the caller is not the office). 409: 报告未定稿 (the report is not
    /// final). 422: 没有理由 (no reason given).
    reopen reopen_team_report
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/reopen";
}
