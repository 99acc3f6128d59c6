//! The accountability report's part of the submitted family: read one, save its draft, submit
//! it, return it (`submitted_handlers!`). The words are the report's own.

use super::json::{PutReport, ReportResponse};
use crate::http::params::{CycleUnitLeaderDraftPath, CycleUnitLeaderPath};
use crate::http::submitted_handlers::submitted_handlers;
use crate::models::self_inspection::AccountabilityReport;

submitted_handlers! {
    member AccountabilityReport, view ReportResponse, draft PutReport,
        path CycleUnitLeaderPath, draft_path CycleUnitLeaderDraftPath, tag "self-inspections";

    /// 查看一份述责报告 (One accountability report)
    ///
    /// 一位第一责任人的述责报告，读者同该单位的报告列表。`ETag` 为其版本号（`PUT` 的 `If-Match`
    /// 用它）。 (The report of one first responsible person, readable by whoever reads the unit's
    /// list; the `ETag` is its version in quotes, the one `PUT` takes as `If-Match`.)
    ///
    /// 404: 不在调用者范围内、不是该单位的第一责任人，或尚未开始 (outside the caller's scope, not a
    /// first responsible person of the unit, or not started).
    get get_accountability_report
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}"
        answers "述责报告 (the report)";

    /// 保存述责报告草稿 (Save an accountability report draft)
    ///
    /// 仅限单位角色，为本单位的第一责任人填写，周期处于单位填报阶段时可写。首次保存创建（201），
    /// 之后替换（200，须带 `If-Match`）。 (Unit role only, for its own unit's first responsible
    /// persons, while the cycle is open to units: creates the draft (201) or replaces it (200,
    /// with `If-Match`).)
    ///
    /// 403: 调用者不是单位 (the caller is not a unit). 404: 不在调用者范围内，或不是第一责任人
    /// (outside the caller's scope, or not a first responsible person). 409: 已提交、须待退回后才能
    /// 修改 (`already_submitted`)，或周期不在单位填报阶段 (`cycle_not_open`).
    put put_accountability_report
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}"
        location "The report's URL";

    /// 提交述责报告 (Submit an accountability report)
    ///
    /// 仅限单位角色。须已填写报告正文。截止日期同自查报告（当天结束，北京时间），逾期提交仍予接收并
    /// 标记为逾期。 (Unit role only. Needs the report's text; late after the self-inspection due
    /// date, and accepted.)
    ///
    /// 403: 调用者不是单位 (the caller is not a unit). 404: 尚未开始，或不在调用者范围内 (not
    /// started, or outside the caller's scope). 409: 已提交 (`already_submitted`)，或周期不在单位
    /// 填报阶段 (`cycle_not_open`). 422: 报告没有正文 (the report has no text).
    submit submit_accountability_report at
    "/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}/submit";

    /// 退回述责报告 (Return a submitted accountability report for revision)
    ///
    /// 仅限考评办，须说明理由；所提交的版本保留在案。 (Office only, with a reason; the submitted
    /// version stays on record.)
    ///
    /// 403: 调用者不是考评办 (the caller is not the office). 404: 调用者范围内无此报告 (no such
    /// report in the caller's scope). 409: 未处于已提交状态 (`not_submitted`). 422: 未填写理由
    /// (no reason given).
    send_back return_accountability_report at
    "/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}/return";
}
