use diesel::PgConnection;

use super::json::{PutVisit, RoutineVisitResponse};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::http::params::CycleUnitPath;
use crate::http::signed_handlers::signed_edit;
use crate::http::{ETag, IfMatch};
use crate::models::routine::RoutineVisit;
use crate::ops::routine_visits;
use crate::ops::signed::{self, Saved};

signed_edit! {
    /// 填写走访记录 (Write a routine-visit record)
    ///
    /// 仅限县纪委办公室，且只对本次抽查抽中的单位；须带 `If-Match`（记录的 GET 所发的 `ETag`；
    /// `*` 表示任意）。首次签名后的修改使已有签名作废。走访人员以其令牌的 `sub` 标识，每人都须签署。
    ///
    /// Office only, for a unit the current draw sampled; needs `If-Match` with the ETag the
    /// record's GET sent (`*` for any). A change after the first signature voids the signatures.
    /// Visitors are named by their token's `sub`; each of them signs.
    ///
    /// 403: 调用者不是县纪委 (the caller is not the office). 404: 单位未被抽中 (the unit was not
    /// sampled). 409: 记录已定稿 (`visit_final`)，或周期不在日常考核阶段 (`routine_not_open`).
    put_routine_visit(CycleUnitPath, PutVisit) -> RoutineVisitResponse by write, writers Office,
        tag "routine",
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/routine-visit",
        if_match "记录的 GET 所发的 ETag (the ETag the record's GET sent)",
        answers "已保存 (Saved)", etag "记录的新标签 (the record's new tag)";
}

/// Writes the record under `If-Match` with the tag its GET sent, and answers it with its new
/// tag.
fn write(
    conn: &mut PgConnection,
    user: &AuthUser,
    path: CycleUnitPath,
    if_match: &IfMatch,
    body: PutVisit,
) -> Result<(Saved<RoutineVisitResponse>, Change), ApiError> {
    let text = body.text();
    let at = (path.cycle_id, path.unit_id);
    let (ctx, (before, after)) = signed::edit(conn, user, at, |conn, ctx, row: &RoutineVisit| {
        if_match.check(&ETag::of_body(&routine_visits::view(conn, ctx)?))?;
        RoutineVisit::write(conn, row.id, &text)?;
        let written = RoutineVisit {
            visitors: text.visitors.clone(),
            methods: text.methods.clone(),
            findings: text.findings.clone(),
            questionnaire: text.questionnaire.clone(),
            attachments: text.attachments.clone(),
            visited_on: text.visited_on,
            ..row.clone()
        };
        let before = routine_visits::content(ctx, Some(row));
        Ok((before, routine_visits::content(ctx, Some(&written))))
    })?;
    let change = Change::updated("routine_visit", ctx.audit_id(), &before, &after);
    let record = routine_visits::view(conn, &ctx)?;
    let etag = ETag::of_body(&record);
    Ok((Saved { etag, body: record }, change))
}
