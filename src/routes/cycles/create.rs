use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use serde_json::json;

use super::json::{CycleResponse, CycleSettings, check_combined};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::calendar::default_dates;
use crate::domain::default_forms;
use crate::domain::points::Points;
use crate::error::{ApiError, FieldError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, ValidJson};
use crate::models::cycle::NewCycle;
use crate::models::form::ScoringForm;

/// Open a new assessment cycle
///
/// Office only. One cycle per year; every setting not given takes the plan's default (weights
/// 90/10, rectification line 75, 2 towns and 2 departments sampled, margin 2.00, due 20 September,
/// 30 September and 15 October). The cycle starts as a draft with the built-in default forms
/// for towns and county departments.
#[utoipa::path(
    tag = "cycles",
    request_body = CycleSettings,
    responses(
        (status = 201, description = "Opened", body = CycleResponse,
            headers(("Location" = String, description = "URL of the new cycle"), ("ETag" = String))),
        (status = 403, description = "The caller is not the office", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A cycle for this year exists (`cycle_year_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid settings", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles")]
pub async fn create_cycle(
    Office(user): Office,
    pool: web::Data<PgPool>,
    body: ValidJson<CycleSettings>,
) -> Result<HttpResponse, ApiError> {
    let new = plan_cycle(body.0)?;
    let templates = default_forms::templates().map_err(ApiError::internal)?;
    let cycle = db::write(&pool, user.actor(), move |conn| {
        open_cycle(conn, &new, &templates)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/assessment-cycles/{}", cycle.id),
        ))
        .insert_header((header::ETAG, ETag::from_version(cycle.version).0))
        .json(CycleResponse::from(cycle)))
}

/// Inserts a cycle with the default forms; returns it and the audit change. Used by the route
/// and by `seed-demo`.
pub fn open_cycle(
    conn: &mut diesel::PgConnection,
    new: &NewCycle,
    templates: &[default_forms::Template],
) -> Result<(crate::models::cycle::Cycle, Change), ApiError> {
    let cycle = new.insert(conn)?;
    for template in templates {
        ScoringForm::replace(
            conn,
            cycle.id,
            template.kind,
            &template.title,
            &template.items,
        )?;
    }
    let forms: Vec<&str> = templates.iter().map(|t| t.kind.as_str()).collect();
    let change = Change::created(
        "cycle",
        cycle.id,
        &json!({"cycle": cycle, "default_forms": forms}),
    );
    Ok((cycle, change))
}

/// The cycle that `settings` describe, with the plan's defaults for what they leave out.
pub fn plan_cycle(s: CycleSettings) -> Result<NewCycle, ApiError> {
    let year = s
        .year
        .ok_or_else(|| ApiError::field("year", "required", "the field `year` is required"))?;
    let (self_due, special_ends, reports_due) = default_dates(year)
        .ok_or_else(|| ApiError::field("year", "out_of_range", "`year` must be 2000 to 2100"))?;
    let special = s
        .special_weight
        .clone()
        .unwrap_or_else(|| Points::whole(90));
    // A special weight given alone implies the routine weight that completes 100.
    let routine = s
        .routine_weight
        .clone()
        .unwrap_or_else(|| Points(&Points::whole(100).0 - &special.0));
    let dates = (
        s.self_inspection_due.unwrap_or(self_due),
        s.special_inspection_ends.unwrap_or(special_ends),
        s.team_reports_due.unwrap_or(reports_due),
    );
    let errors: Vec<FieldError> = check_combined(&special, &routine, dates);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let new = NewCycle {
        year,
        title: s
            .title
            .as_deref()
            .map(clean)
            .unwrap_or_else(|| format!("{year}年党风廉政建设责任制考核检查")),
        special_weight: special.0,
        routine_weight: routine.0,
        rectification_line: s.rectification_line.unwrap_or_else(|| Points::whole(75)).0,
        routine_sample_towns: s.routine_sample_towns.unwrap_or(2),
        routine_sample_departments: s.routine_sample_departments.unwrap_or(2),
        flag_margin: s.flag_margin.unwrap_or_else(|| Points::whole(2)).0,
        self_inspection_due: dates.0,
        special_inspection_ends: dates.1,
        team_reports_due: dates.2,
    };
    Ok(new)
}
