use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateExtension, ExtensionResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::http::{ETag, ValidJson};
use crate::models::cycle::{Cycle, CycleChangeset, Deadline, NewDeadlineExtension};
use crate::openapi::responses::{Conflict, Forbidden};

/// 延长截止日期 (Extend a due date)
///
/// 仅限县纪委办公室，须说明理由并留档；新日期须晚于当前日期。除归档外任何阶段均可：周期离开
/// 筹备阶段后，截止日期只能这样修改。在（延长后的）截止日期之后提交的材料仍接收，但标记为逾期。
///
/// Office only, with a reason on record; the new date must be later than the current one.
/// Allowed in every state but `archived`. Submissions after the (extended) date are accepted
/// and marked late.
///
/// 409: 周期已归档 (`cycle_archived`). 422 `not_later`: 新日期不晚于当前日期 (the date is not
/// later).
#[utoipa::path(
    tag = "cycles",
    params(CyclePath),
    request_body = CreateExtension,
    responses(
        (status = 201, description = "已延期 (extended)", body = ExtensionResponse,
            headers(
                ("Location" = String, description = "延期记录的 URL (URL of the new extension)"),
                ("ETag" = String, description = "其 GET 返回的标签 (the tag its GET sends)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/deadline-extensions")]
pub async fn create_deadline_extension(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    body: ValidJson<CreateExtension>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let body = body.0;
    let (Some(deadline), Some(new_date), Some(reason)) =
        (body.deadline, body.new_date, body.reason)
    else {
        return Err(ApiError::field(
            "deadline",
            "required",
            "deadline, new_date and reason are required",
        ));
    };
    let actor = user.actor();
    let extension = db::write(&pool, actor, move |conn| {
        let cycle = super::lock_cycle(conn, id)?;
        crate::ops::cycles::refuse_published(&cycle)?;
        if cycle.state == CycleState::Archived {
            return Err(ApiError::Conflict {
                code: "cycle_archived",
                detail: format!("cycle {id} is archived"),
            });
        }
        let old_date = cycle.due(deadline);
        if new_date <= old_date {
            return Err(ApiError::field(
                "new_date",
                "not_later",
                format!("an extension must move {deadline} later than {old_date}"),
            ));
        }
        let mut changes = CycleChangeset::default();
        match deadline {
            Deadline::SelfInspectionDue => changes.self_inspection_due = Some(new_date),
            Deadline::SpecialInspectionEnds => changes.special_inspection_ends = Some(new_date),
            Deadline::TeamReportsDue => changes.team_reports_due = Some(new_date),
        }
        let updated = Cycle::update(conn, id, &changes)?;
        let extension = NewDeadlineExtension {
            cycle_id: id,
            deadline,
            old_date,
            new_date,
            reason: clean(&reason),
            actor_sub: user.sub.clone(),
            actor_name: user.name.clone(),
        }
        .insert(conn)?;
        let mut change = Change::updated("cycle", id, &cycle, &updated);
        change.action = "extend_deadline".to_owned();
        if let serde_json::Value::Object(after) = &mut change.after {
            after.insert(
                "reason".to_owned(),
                serde_json::Value::String(extension.reason.clone()),
            );
        }
        Ok((extension, change))
    })
    .await?;
    let body = ExtensionResponse::from(extension);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/assessment-cycles/{id}/deadline-extensions/{}",
                body.id
            ),
        ))
        .insert_header((header::ETAG, ETag::of_body(&body).0))
        .json(body))
}
