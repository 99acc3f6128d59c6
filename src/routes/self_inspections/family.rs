//! The self-inspection's part of the submitted family (`submitted_handlers!`): read it, save its
//! draft, submit it, return it, record its paper copy, list its kept versions. The words are its
//! own.

use super::json::{PutSelfInspection, SelfInspectionContent, SelfInspectionResponse};
use crate::http::params::{CycleUnitDraftPath, CycleUnitPath};
use crate::http::submitted_handlers::submitted_handlers;
use crate::models::self_inspection::SelfInspection;

submitted_handlers! {
    member SelfInspection, view SelfInspectionResponse, draft PutSelfInspection,
        path CycleUnitPath, draft_path CycleUnitDraftPath, tag "self-inspections";

    /// 查看单位自查 (A unit's self-inspection)
    ///
    /// 单位读本单位的，考评办读全部，考核组成员读本组在该周期负责的单位的。`ETag` 为其版本号。
    /// 404: 不在调用者范围内、该单位未参加本周期考核，或尚未开始自查 (outside the caller's scope,
    /// not assessed in the cycle, or not started; the three are not told apart).
    get get_self_inspection at "/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection"
        answers "自查报告 (the self-inspection)";

    /// 保存自查草稿 (Save the unit's self-inspection draft)
    ///
    /// 仅限单位角色，且只能写本单位的；周期处于自查或专项检查阶段时可写。一次提交完整草稿：自查报告、
    /// 各项自评分（0 至该项满分，最多两位小数，须为本单位考评表上的项目）、查找的问题及整改措施、附件。
    /// 首次保存创建（201），之后替换（200，须带 `If-Match`）。
    /// (Unit role only, for its own unit, while the cycle is in `self_inspection` or
    /// `special_inspection`. Sends the whole draft; creates it (201) or replaces it (200, with
    /// `If-Match`).)
    ///
    /// 403: 调用者不是单位 (the caller is not a unit). 404: 其他单位的，或未参加本周期考核 (another
    /// unit's, or not assessed in the cycle). 409: 已提交、须待退回后才能修改 (`already_submitted`)，
    /// 或周期不在单位填报阶段 (`cycle_not_open`). 422: 分数超出范围或精度、项目不在考评表上、附件不可用
    /// (scores out of range or over-precise, items not on the form, unusable attachments).
    put put_self_inspection at "/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection"
        location "The self-inspection's URL";

    /// 提交自查 (Submit the self-inspection)
    ///
    /// 仅限单位角色，且只能提交本单位的。须已为考评表上每一项自评打分并填写自查报告；总分由系统根据
    /// 各项自评分计算。截止日期（当天结束，北京时间，含延期）之后提交仍予接收，并标记为逾期
    /// (`late`)。每次提交的版本都会保留。
    /// (Unit role only. Needs every item of the form scored and the report written; the service
    /// computes the total. A submission after the due date is accepted and marked `late`; every
    /// submitted version is kept.)
    ///
    /// 403: 调用者不是单位 (the caller is not a unit). 404: 尚未开始自查，或不在调用者范围内 (not
    /// started, or outside the caller's scope). 409: 已提交 (`already_submitted`)，或周期不在单位
    /// 填报阶段 (`cycle_not_open`). 422: 未完成，列出每个缺少的项目及报告 (incomplete: every missing
    /// item and the report are listed).
    submit submit_self_inspection
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/submit";

    /// 退回自查报告 (Return a submitted self-inspection for revision)
    ///
    /// 仅限考评办，须说明理由；所提交的版本连同退回记录一并保留。单位修改后重新提交。
    /// (Office only, with a reason; the submitted version stays on record with its return. The
    /// unit revises and resubmits.)
    ///
    /// 403: 调用者不是考评办 (the caller is not the office). 404: 尚未开始自查，或不在调用者范围内
    /// (not started, or outside the caller's scope). 409: 未处于已提交状态 (`not_submitted`).
    /// 422: 未填写理由 (no reason given).
    send_back return_self_inspection
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/return";

    paper
    /// 登记纸质件收到 (Record the stamped paper copy's arrival)
    ///
    /// 仅限考评办。自查报告须同时报送纸质件和电子件（方案第六条第三款）；不填 `received_at` 时
    /// 记为当前时间。 (Office only; the plan wants the report on paper and electronically, plan
    /// §6(三). Without `received_at`, now.)
    ///
    /// 403: 调用者不是考评办 (the caller is not the office). 404: 尚未开始自查，或不在调用者范围内
    /// (not started, or outside the caller's scope).
    record_paper_copy
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/paper-received";

    versions
    /// 自查报告的历次提交版本 (Every submitted version of a self-inspection)
    ///
    /// 按提交先后排列，每个版本保持提交时的内容，被退回的附退回记录。读者同自查报告。
    /// (Oldest first, each as submitted, with its return when it was returned; readable by whoever
    /// reads the self-inspection.)
    ///
    /// 404: 尚未开始自查，或不在调用者范围内 (not started, or outside the caller's scope).
    list_self_inspection_versions holding SelfInspectionContent
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/versions";
}
