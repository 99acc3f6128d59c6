//! The routine-visit record's part of the signed family: read it, read one of its signatures,
//! submit it for signature, sign it, reopen it (`signed_handlers!`, written by the office).

use super::json::RoutineVisitResponse;
use crate::http::signed_handlers::signed_handlers;
use crate::models::routine::RoutineVisit;

signed_handlers! {
    member RoutineVisit, view RoutineVisitResponse, tag "routine", writers Office;

    /// 查看走访记录 (A sampled unit's routine-visit record)
    ///
    /// 走访人员、方式、发现的情况、问卷、附件和日期，以及状态和本轮有效的签名。县纪委可读；被走访
    /// 单位在全部走访记录定稿后可读自己的。`ETag` 是整份记录的哈希，填写时作为 `If-Match` 发送。
    ///
    /// The visitors, methods, findings, questionnaires, attachments and date, with the status
    /// and the standing signatures. The office reads it; the visited unit reads its own once
    /// every visit record is final. The `ETag` is a hash of the whole record: send it as
    /// `If-Match` when writing it.
    ///
    /// 404: 单位未被抽中，或不在调用者的权限范围内 (the unit was not sampled, or outside the
    /// caller's scope).
    get get_routine_visit
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/routine-visit"
        answers "走访记录 (The visit record)";

    /// 查看走访记录的一个签名 (One signature of a routine-visit record)
    ///
    /// 与记录本身同样可读；作废的签名仍可读，并标明作废。
    ///
    /// Readable exactly as the record is; a voided signature stays readable, marked void.
    ///
    /// 404: 不在权限范围内，或不是这份记录的签名 (outside the caller's scope, or a signature of
    /// another document).
    get_signature get_routine_visit_signature
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/routine-visit/signatures/{signature_id}"
        answers "走访记录的签名 (A signature of the record)";

    /// 提交走访记录待签 (Submit a routine-visit record for signature)
    ///
    /// 仅限县纪委办公室。须写明走访人员、方式、发现的情况和日期。
    ///
    /// Office only. Needs the visitors, the methods, the findings and the date.
    ///
    /// 403: 调用者不是县纪委 (the caller is not the office). 404: 单位未被抽中，或记录尚未填写
    /// (not sampled, or not written yet). 409: 记录不是编辑中，或周期不在日常考核阶段 (not open,
    /// or the cycle is not in the routine inspection's phases). 422: 缺少某一部分，逐项列出.
    submit submit_routine_visit
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/routine-visit/submit";

    /// 签署走访记录 (Sign a routine-visit record)
    ///
    /// 记录上列出的每位走访人员每轮签署一次，附记录规范内容的 SHA-256；全部签署后定稿。
    ///
    /// Each visitor listed on the record, once per round, with the SHA-256 of its canonical
    /// content; final when all have signed.
    ///
    /// 403: 调用者不是县纪委，或不是记录上的走访人员 (not the office, or not a listed visitor).
    /// 404: 单位未被抽中，或记录尚未填写. 409: 不在待签状态，或本轮已签过 (not awaiting
    /// signatures, or already signed in this round).
    sign sign_routine_visit
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/routine-visit/signatures"
        answers "已签署：记录现状 (Signed: the record now)",
        location "记录新签名的 URL (URL of the record's new signature)";

    /// 退回重开已定稿的走访记录 (Reopen a final routine-visit record)
    ///
    /// 仅限县纪委，须写明理由；已签署的内容、版本和签名留档，开始新一轮签署。重开后抽查结果重新
    /// 封存，直到记录再次定稿。
    ///
    /// Office only, with a reason; the signed content, its version and its signatures stay on
    /// record, and a new round of signing begins. The draw is sealed again until the record is
    /// final again.
    ///
    /// 403: 调用者不是县纪委. 409: 记录未定稿 (the record is not final). 422: 没有理由.
    reopen reopen_routine_visit
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/routine-visit/reopen";
}
