use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateExtension, ExtensionResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::lifecycle::CycleState;
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, ValidJson};
use crate::models::CycleId;
use crate::models::cycle::{Cycle, CycleChangeset, Deadline, NewDeadlineExtension};

/// Extend a due date
///
/// Office only, with a reason on record; the new date must be later than the current one.
/// Allowed in every state but `archived`: this is how a date moves once the cycle has left
/// draft. Submissions after the (extended) date are accepted and marked late.
#[utoipa::path(
    tag = "cycles",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    request_body = CreateExtension,
    responses(
        (status = 201, description = "Extended", body = ExtensionResponse,
            headers(("Location" = String, description = "URL of the new extension"),
                ("ETag" = String, description = "The tag its GET sends"))),
        (status = 403, description = "The caller is not the office",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The cycle is archived",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body, or the date is not later (`not_later`)",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/deadline-extensions")]
pub async fn create_deadline_extension(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
    body: ValidJson<CreateExtension>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
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
