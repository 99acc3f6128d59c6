//! The rectification's part of the submitted family (`submitted_handlers!`): read it, save its
//! draft, submit it, return it. The words are its own.

use super::json::{PutRectification, RectificationResponse};
use crate::http::params::CycleUnitPath;
use crate::http::submitted_handlers::submitted_handlers;
use crate::models::rectification::Rectification;

submitted_handlers! {
    member Rectification, view RectificationResponse, draft PutRectification,
        path CycleUnitPath, draft_path CycleUnitPath, tag "rectifications";

    /// 查看单位整改 (A unit's rectification)
    ///
    /// 总分不高于整改线的单位在结果通报后须向县纪委作出书面说明并提出整改方案（方案第五条）。单位读
    /// 本单位的，县纪委办公室读全部，考核组成员读本组在该周期负责的单位的。`ETag` 为其版本号。通报前
    /// 为 403 `not_published`。 (A unit at or below the line owes a written explanation and a
    /// rectification plan once results are published, plan §5. The unit reads its own, the office
    /// all, inspectors their teams' units; the `ETag` is its version in quotes. Before publication,
    /// 403 `not_published`.)
    ///
    /// 404: 不在调用者范围内、该单位未参加本周期考核，或无须整改 (outside the caller's scope, not
    /// assessed in the cycle, or owing no rectification).
    get get_rectification at "/assessment-cycles/{cycle_id}/units/{unit_id}/rectification"
        answers "整改说明及整改方案 (the rectification)";

    /// 保存整改草稿 (Save the unit's rectification draft)
    ///
    /// 仅限单位角色，且只能写本单位的；仅在结果通报后（周期处于 `published`）可写，这是已通报周期
    /// 唯一可写的内容。一次提交完整草稿：书面说明、整改方案、附件。待整改（`owed`）时首次保存开始
    /// 草稿（201），之后替换（200，须带 `If-Match`）。 (Unit role only, for its own unit, while
    /// the cycle is published: the one write a published cycle takes. Sends the whole draft; the
    /// first save of an owed rectification starts it (201), later ones replace it (200, with
    /// `If-Match`).)
    ///
    /// 403: 调用者不是单位 (the caller is not a unit)，或结果尚未通报 (`not_published`). 404:
    /// 其他单位的，或无须整改 (another unit's, or none owed). 409: 已提交、已验收或已撤销
    /// (`already_submitted`)，或周期已归档 (`cycle_archived`). 422: 文字为空或过长、附件不可用
    /// (blank or over-long text, unusable attachments).
    put put_rectification at "/assessment-cycles/{cycle_id}/units/{unit_id}/rectification"
        location "The rectification's URL";

    /// 提交整改 (Submit the rectification)
    ///
    /// 仅限单位角色，且只能提交本单位的。须已填写书面说明和整改方案。截止日期（当天结束，北京时间）
    /// 之后提交仍予接收，并标记为逾期 (`late`)。每次提交的版本都会保留。 (Unit role only. Needs the
    /// explanation and the plan. A submission after the due date is accepted and marked `late`;
    /// every submitted version is kept.)
    ///
    /// 403: 调用者不是单位 (the caller is not a unit)，或结果尚未通报 (`not_published`). 404: 无须
    /// 整改，或不在调用者范围内 (none owed, or outside the caller's scope). 409: 已提交、已验收或
    /// 已撤销 (`already_submitted`)，或周期已归档 (`cycle_archived`). 422: 缺少书面说明或整改方案
    /// (the explanation or the plan is missing).
    submit submit_rectification
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/rectification/submit";

    /// 退回整改 (Return a submitted rectification for revision)
    ///
    /// 仅限县纪委办公室，须说明理由；所提交的版本连同退回记录一并保留。单位修改后重新提交。
    /// (Office only, with a reason; the submitted version stays on record with its return. The
    /// unit revises and resubmits.)
    ///
    /// 403: 调用者不是县纪委办公室 (the caller is not the office). 404: 无须整改，或不在调用者
    /// 范围内 (none owed, or outside the caller's scope). 409: 未处于已提交状态 (`not_submitted`)，
    /// 结果未通报 (`cycle_not_published`) 或周期已归档 (`cycle_archived`). 422: 未填写理由 (no
    /// reason given).
    send_back return_rectification
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/rectification/return";
}
