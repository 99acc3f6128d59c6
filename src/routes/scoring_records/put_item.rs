use diesel::PgConnection;
use serde_json::json;

use super::json::{ItemView, PutItem};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::domain::points::Points;
use crate::domain::scoring::{check_deductions, item_points};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CycleUnitItemPath;
use crate::http::signed_handlers::signed_edit;
use crate::http::{ETag, IfMatch};
use crate::models::scoring::{NewRecordItem, RecordItem, ScoringRecord};
use crate::ops::sheets;
use crate::ops::signed::{self, Saved};

signed_edit! {
    /// 为一个考评项目评分 (Score one item)
    ///
    /// 仅限被指派考核组的成员和组长，在专项考核检查或复核阶段。须带 `If-Match`（该项的 `ETag`，
    /// 未写过的项为 `"0"`）：过期的标签得到 412 且不作任何改变，因此两位成员可同时编辑不同的项，
    /// 不会悄悄丢失修改。扣分须引用表单的扣分规则（分值在其范围内，不超过其上限），或者作为自由扣分
    /// 写明理由；该项得分由服务计算，扣完为止。首次签名后的修改使已有签名作废。
    ///
    /// Members and the leader of the assigned team, during the special inspection or the review.
    /// Needs `If-Match` with the item's ETag (`"0"` for an item not yet written). Deductions cite
    /// the form's rule (points within its range, at most its cap) or stand free with their grounds;
    /// the item's points are computed, never below zero. A change after the first signature voids
    /// the signatures.
    ///
    /// 403: 调用者是县纪委 (the caller is the office). 404: 不在权限范围内，或单位表单上没有该项
    /// (outside the caller's scope, or no such item on the unit's form). 409: 评分表已定稿，或周期
    /// 不在专项考核检查或复核阶段 (the sheet is final, or the cycle is not in the special inspection
    /// or the review). 422: 扣分超出规则的范围或上限 (deductions outside their rule's range or over
    /// its cap).
    put_record_item(CycleUnitItemPath, PutItem) -> ItemView by score, tag "scoring",
        at "/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/items/{item_code}",
        if_match "该项的 ETag (the item's ETag)", example "\"0\"",
        answers "已评分 (Scored)", etag "该项的新标签 (the item's new tag)";
}

/// Scores one item under `If-Match` with the item's tag, and answers the item alone with its
/// new tag.
fn score(
    conn: &mut PgConnection,
    user: &AuthUser,
    path: CycleUnitItemPath,
    if_match: &IfMatch,
    body: PutItem,
) -> Result<(Saved<ItemView>, Change), ApiError> {
    let CycleUnitItemPath {
        cycle_id,
        unit_id,
        item_code: code,
    } = path;
    let at = (cycle_id, unit_id);
    let (ctx, (form_item, current, row)) =
        signed::edit(conn, user, at, |conn, ctx, record: &ScoringRecord| {
            let form_item = ctx.items.iter().find(|i| i.code == code).ok_or_else(|| {
                ApiError::not_found(format!("item {code} is not on the unit's form"))
            })?;
            let current = RecordItem::find(conn, record.id, &code)?;
            let version = current.as_ref().map_or(0, |c| c.version);
            if_match.check(&ETag::from_version(version))?;
            let errors = check_deductions(&form_item.to_item(), &body.deductions);
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            let points = item_points(&Points(form_item.max_points.clone()), &body.deductions);
            let row = NewRecordItem {
                record_id: record.id,
                item_code: code.clone(),
                deductions: serde_json::to_value(&body.deductions).unwrap_or_default(),
                evidence_notes: body
                    .evidence_notes
                    .as_deref()
                    .map(clean)
                    .filter(|n| !n.is_empty()),
                points: points.0,
                updated_by: user.sub.clone(),
            }
            .upsert(conn)?;
            Ok((form_item.clone(), current, row))
        })?;
    // The item alone, from the row just written: the rest of the sheet is not read again.
    let own = sheets::self_score(conn, cycle_id, unit_id, &code)?;
    let margin = Points(ctx.cycle.flag_margin.clone());
    let item = sheets::item_view(&form_item, Some(&row), own, &margin);
    let before = json!({
        "deductions": current.as_ref().map(|c| c.deductions.clone()),
        "evidence_notes": current.as_ref().and_then(|c| c.evidence_notes.clone()),
    });
    let after = json!({
        "deductions": item.deductions,
        "evidence_notes": item.evidence_notes,
        "points": item.points,
    });
    let change = Change::updated(
        "scoring_record_item",
        format!("{}/{code}", ctx.audit_id()),
        &before,
        &after,
    );
    let etag = ETag(item.etag.clone());
    Ok((Saved { etag, body: item }, change))
}
