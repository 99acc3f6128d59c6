//! The score sheet's part of the signed family: read it, read one of its signatures, submit it
//! for signature, sign it, reopen it (`signed_handlers!`). The words are the sheet's own.

use super::json::RecordResponse;
use crate::http::signed_handlers::signed_handlers;
use crate::models::scoring::ScoringRecord;

signed_handlers! {
    member ScoringRecord, view RecordResponse, tag "scoring";

    /// 查看考核评分表 (A unit's score sheet)
    ///
    /// 单位表单的每一项：考核组的扣分和计算出的得分（每项有自己的 `ETag`），旁列单位最近一次提交的
    /// 自评分（相差超过本周期阈值的标为 `flagged`）；以及考核方法、移交"公述民评"的问题、总分和本轮
    /// 有效的签名。被指派的考核组的成员和组长、县纪委可读；单位在结果公布后才能读自己的。
    ///
    /// Every item of the unit's form with the team's deductions and computed points, each with its
    /// own `ETag`, beside the unit's latest submitted self-score (flagged beyond the cycle's
    /// margin); the methods, referrals, total, and the standing signatures. The `ETag` of the
    /// sheet is a hash of the whole body.
    ///
    /// 404: 不在调用者的权限范围内，例如另一考核组的成员 (outside the caller's scope, e.g. a member
    /// of another team).
    get get_scoring_record
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record"
        answers "考核评分表 (The score sheet)", etag "整张评分表的标签 (the whole sheet's tag)";

    /// 查看评分表的一个签名 (One signature of a score sheet)
    ///
    /// 与评分表本身同样可读。作废的签名仍可读，并标明作废。`ETag` 是内容的哈希，只在签名作废时变化。
    ///
    /// Readable exactly as the sheet is. A voided signature stays readable, marked void; the
    /// `ETag` is a hash of the body, so it changes only when the signature is voided.
    ///
    /// 404: 不在权限范围内，或不是这张评分表的签名 (outside the caller's scope, or a signature of
    /// another document).
    get_signature get_scoring_record_signature
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/signatures/{signature_id}"
        answers "评分表的签名 (A signature of the sheet)";

    /// 提交评分表待签 (Submit the sheet for signature)
    ///
    /// 被指派考核组的成员或组长提交；之后每位成员和组长逐一签署。
    ///
    /// A member or the leader of the assigned team; then every member and the leader sign.
    ///
    /// 403: 调用者是县纪委 (the caller is the office). 409: 评分表不是编辑中（已提交或已定稿），或周期
    /// 不在专项考核检查或复核阶段 (not open, or the cycle is not in the special inspection or the
    /// review).
    submit submit_scoring_record
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/submit";

    /// 签署考核评分表 (Sign the score sheet)
    ///
    /// 被指派考核组的每位成员和组长每轮签署一次；签名记录签署人、时间、所签版本，以及此刻评分表规范
    /// 内容的 SHA-256（RFC 8785，见 README）。全部签署后评分表定稿。应答是评分表的现状；`Location`
    /// 指向新签名，`ETag` 是新签名的 GET 所发的标签。
    ///
    /// Each member and the leader of the assigned team signs once per round, with the SHA-256 of
    /// the sheet's canonical content; when all have signed the sheet is final. The answer is the
    /// sheet as it now stands; `Location` names the new signature and `ETag` is the tag its GET
    /// sends.
    ///
    /// 403: 调用者是县纪委 (the caller is the office). 409: 不在待签状态，或本轮已签过 (not
    /// awaiting signatures, or already signed in this round).
    sign sign_scoring_record
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/signatures"
        answers "已签署：评分表现状 (Signed: the sheet now)",
        location "评分表新签名的 URL (URL of the sheet's new signature)";

    /// 退回重开已定稿的评分表 (Reopen a final sheet)
    ///
    /// 仅限县纪委，须写明理由。已签署的内容和签名留档；签名作废，考核组修改并重新提交后开始新一轮
    /// 签署。
    ///
    /// Office only, with a reason. The signed content and its signatures stay on record; the
    /// signatures are voided and a new round of signing begins once the team has revised and
    /// resubmitted the sheet.
    ///
    /// 403: 调用者不是县纪委 (the caller is not the office). 409: 评分表未定稿 (the sheet is not
    /// final). 422: 没有理由 (no reason given).
    reopen reopen_scoring_record
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/reopen";
}
