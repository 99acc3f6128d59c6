use diesel::PgConnection;
use serde_json::json;

use super::json::{PutMethods, RecordResponse};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::http::params::CycleUnitPath;
use crate::http::signed_handlers::signed_edit;
use crate::http::{ETag, IfMatch};
use crate::models::scoring::ScoringRecord;
use crate::ops::sheets;
use crate::ops::signed::{self, Saved};

signed_edit! {
    /// 记录考核方法 (Record the methods the team used)
    ///
    /// 听取汇报、民主测评、个别谈话、召开座谈会、查阅资料（方案第四条）。仅限被指派考核组的成员和
    /// 组长；须带 `If-Match`（评分表的 `methods_etag`）。
    ///
    /// Hearing the unit's report, democratic evaluation, individual talks, group discussion,
    /// reviewing records (plan §4). Team members and leader only; needs `If-Match` with the
    /// sheet's `methods_etag`. Like any change, it voids the signatures collected so far.
    ///
    /// 403: 调用者是县纪委 (the caller is the office). 409: 评分表已定稿，或周期不在专项考核检查或
    /// 复核阶段 (the sheet is final, or the cycle is not in the special inspection or the review).
    put_record_methods(CycleUnitPath, PutMethods) -> RecordResponse by record, tag "scoring",
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/methods",
        if_match "评分表的 methods_etag (the sheet's methods_etag)", example "\"1\"",
        answers "已记录 (Recorded)", etag "新的 methods_etag (the new methods_etag)";
}

/// Records the methods (repeats count once) under `If-Match` with the sheet's `methods_etag`,
/// and answers the sheet with its new `methods_etag`.
fn record(
    conn: &mut PgConnection,
    user: &AuthUser,
    path: CycleUnitPath,
    if_match: &IfMatch,
    body: PutMethods,
) -> Result<(Saved<RecordResponse>, Change), ApiError> {
    let mut methods = body.methods;
    methods.sort_by_key(|m| m.as_str());
    methods.dedup();
    let at = (path.cycle_id, path.unit_id);
    let (ctx, before) = signed::edit(conn, user, at, |conn, _, record: &ScoringRecord| {
        if_match.check(&ETag::from_version(record.methods_version))?;
        ScoringRecord::set_methods(conn, record.id, &methods)?;
        Ok(record.methods.clone())
    })?;
    let sheet = sheets::view(conn, &ctx)?;
    let change = Change::updated(
        "scoring_record",
        ctx.audit_id(),
        &json!({"methods": before}),
        &json!({"methods": sheet.methods}),
    );
    let etag = ETag(sheet.methods_etag.clone());
    Ok((Saved { etag, body: sheet }, change))
}
