use actix_web::{HttpResponse, post, web};
use serde_json::json;

use super::json::{CreateReferral, RecordResponse, ReferralView};
use crate::audit::Change;
use crate::auth::Inspector;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::http::params::CycleUnitPath;
use crate::models::Leader;
use crate::models::scoring::{NewReferral, ScoringRecord};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::sheets;
use crate::ops::signed::{self, Created};

/// 移交"公述民评" (Refer a dereliction-of-duty case to the 公述民评 group)
///
/// 单位有人因工作失职被追究纪律责任的，考核组不扣分，而是记录移交（方案第四条）：涉及的班子成员
/// （已知时）、事实和所依据的处理决定。应答是评分表的现状；`Location` 指向新的移交，`ETag` 是它的
/// GET 所发的标签。
///
/// Where someone in the unit has been held to disciplinary account for dereliction of duty, the
/// team records a referral instead of a deduction (plan §4): the leader where known, the facts,
/// and the decision it rests on. Like any change, it voids the signatures collected so far.
///
/// 403: 调用者是县纪委 (the caller is the office). 409: 评分表已定稿，或周期不在专项考核检查或
/// 复核阶段 (the sheet is final, or the cycle is not in the special inspection or the review).
/// 422: 缺少事实或决定，或班子成员不属于该单位 (facts or decision missing, or a leader of another
/// unit).
#[utoipa::path(
    tag = "scoring",
    params(CycleUnitPath),
    request_body = CreateReferral,
    responses(
        (status = 201, description = "已移交：评分表现状 (Referred: the sheet now)",
            body = RecordResponse,
            headers(
                ("Location" = String, description = "新移交的 URL (URL of the new referral)"),
                ("ETag" = String, description = "新移交的标签 (the referral's tag)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/referrals")]
pub async fn create_referral(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    body: ValidJson<CreateReferral>,
) -> Result<HttpResponse, ApiError> {
    let (at, body) = ((path.cycle_id, path.unit_id), body.0);
    let created = db::write(&pool, user.actor(), move |conn| {
        let (ctx, referral) =
            signed::edit(conn, &user, at, |conn, ctx, record: &ScoringRecord| {
                let leader_name = match body.leader_id {
                    None => None,
                    Some(id) => Some(Leader::find(conn, ctx.unit_id, id).map_err(|_| {
                        ApiError::field(
                            "leader_id",
                            "not_in_unit",
                            format!("leader {id} is not a leader of unit {}", ctx.unit_id),
                        )
                    })?),
                };
                Ok(NewReferral {
                    record_id: record.id,
                    leader_id: body.leader_id,
                    leader_name: leader_name.map(|l| l.name),
                    facts: body.facts.as_deref().map(clean).unwrap_or_default(),
                    decision: body.decision.as_deref().map(clean).unwrap_or_default(),
                    created_by: user.sub.clone(),
                }
                .insert(conn)?)
            })?;
        let change = Change::created(
            "referral",
            ctx.audit_id(),
            &json!({
                "leader_name": referral.leader_name,
                "facts": referral.facts,
                "decision": referral.decision,
            }),
        );
        let referral = ReferralView::from(referral);
        let location = ctx.url(&format!("scoring-record/referrals/{}", referral.id));
        Ok((
            Created::new(location, &referral, sheets::view(conn, &ctx)?),
            change,
        ))
    })
    .await?;
    Ok(created.respond())
}
