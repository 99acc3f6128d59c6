use actix_web::{HttpResponse, post, web};
use diesel::prelude::*;
use serde_json::json;

use super::json::{CreateTransition, CycleResponse, TransitionResponse, TransitionResult};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::forms::validate_items;
use crate::domain::lifecycle::CycleState;
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::models::cycle::{Cycle, CycleChangeset, NewTransition};
use crate::models::cycle_unit::NewCycleUnit;
use crate::models::form::{FormKind, ScoringForm};
use crate::models::{CycleId, UnitId, UnitKind};
use crate::schema::{cycle_units, units};

/// Move a cycle to its next state
///
/// Office only. `draft → self_inspection → special_inspection → review → published →
/// archived`, one step at a time; anything else is 409 `illegal_transition`. Leaving draft
/// needs a valid form for every kind of unit in scope (409 `cycle_forms_invalid`) and takes the
/// snapshot of the units the cycle assesses. Every step is recorded with who, when and the note.
#[utoipa::path(
    tag = "cycles",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    request_body = CreateTransition,
    responses(
        (status = 200, description = "Moved", body = TransitionResult),
        (status = 403, description = "The caller is not the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the next state, or a guard failed; `detail` says why", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/transitions")]
pub async fn create_transition(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
    body: ValidJson<CreateTransition>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.0;
    let to = body
        .to
        .ok_or_else(|| ApiError::field("to", "required", "the field `to` is required"))?;
    let note = body.note.as_deref().map(clean);
    let actor = user.actor();
    let result = db::write(&pool, actor, move |conn| {
        advance(conn, id, to, &user.sub, &user.name, note)
    })
    .await?;
    tracing::info!(cycle_id = %id, to = %to, "cycle moved");
    Ok(HttpResponse::Ok().json(result))
}

/// Moves cycle `id` to `to` if that is its next state and the guards hold, recording the
/// transition; returns the result and the audit change. Used by the route and by `seed-demo`.
pub fn advance(
    conn: &mut PgConnection,
    id: CycleId,
    to: CycleState,
    actor_sub: &str,
    actor_name: &str,
    note: Option<String>,
) -> Result<(TransitionResult, Change), ApiError> {
    let cycle = super::lock_cycle(conn, id)?;
    let from = cycle.state;
    if let Some(reason) = from.refuse(to) {
        return Err(ApiError::Conflict {
            code: "illegal_transition",
            detail: reason,
        });
    }
    let mut snapshot = None;
    if from == CycleState::Draft {
        ensure_forms_valid(conn, &cycle)?;
        snapshot = Some(take_snapshot(conn, id)?);
    }
    if to == CycleState::SpecialInspection {
        let unassigned = crate::models::team::Team::unassigned(conn, id)?;
        if !unassigned.is_empty() {
            let names: Vec<&str> = unassigned
                .iter()
                .take(5)
                .map(|(_, name)| name.as_str())
                .collect();
            return Err(ApiError::Conflict {
                code: "units_without_team",
                detail: format!(
                    "{} assessed unit(s) have no inspection team yet, for example {}; see GET …/teams/unassigned",
                    unassigned.len(),
                    names.join("、")
                ),
            });
        }
    }
    // The results issue adds its guard here: results are final before `published`.
    let updated = Cycle::update(
        conn,
        id,
        &CycleChangeset {
            state: Some(to),
            ..Default::default()
        },
    )?;
    let transition = NewTransition {
        cycle_id: id,
        from_state: from,
        to_state: to,
        actor_sub: actor_sub.to_owned(),
        actor_name: actor_name.to_owned(),
        note: note.clone(),
    }
    .insert(conn)?;
    let change = Change::new(
        "transition",
        "cycle",
        id,
        json!({"state": from}),
        json!({"state": to, "note": note, "units_in_snapshot": snapshot}),
    );
    let result = TransitionResult {
        transition: TransitionResponse::from(transition),
        cycle: CycleResponse::from(updated),
    };
    Ok((result, change))
}

/// A cycle cannot leave draft unless every kind of unit in scope has a valid form.
fn ensure_forms_valid(conn: &mut PgConnection, cycle: &Cycle) -> Result<(), ApiError> {
    let forms = ScoringForm::for_cycle(conn, cycle.id)?;
    let available: Vec<FormKind> = forms.iter().map(|f| f.form.form_kind).collect();
    let kinds: Vec<UnitKind> = units::table
        .filter(units::archived_at.is_null())
        .select(units::kind)
        .distinct()
        .load(conn)?;
    let mut problems = Vec::new();
    for kind in kinds {
        let Some(needed) = FormKind::for_unit(kind, &available) else {
            continue;
        };
        match forms.iter().find(|f| f.form.form_kind == needed) {
            None => problems.push(format!(
                "units of kind {kind} need a {needed} form, and the cycle has none"
            )),
            Some(form) => {
                let items: Vec<_> = form.items.iter().map(|i| i.to_item()).collect();
                let errors = validate_items(&items);
                if !errors.is_empty() {
                    let first: Vec<String> =
                        errors.iter().take(3).map(|e| e.message.clone()).collect();
                    problems.push(format!(
                        "the {needed} form is invalid: {}",
                        first.join("; ")
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        problems.sort();
        problems.dedup();
        Err(ApiError::Conflict {
            code: "cycle_forms_invalid",
            detail: problems.join("; "),
        })
    }
}

/// Snapshots every active unit into the cycle: towns, departments and enterprises assessed,
/// vertical units excluded with their fallback source (plan §1). Returns how many.
fn take_snapshot(conn: &mut PgConnection, id: CycleId) -> Result<usize, ApiError> {
    let available = ScoringForm::kinds(conn, id)?;
    let active: Vec<(UnitId, UnitKind)> = units::table
        .filter(units::archived_at.is_null())
        .select((units::id, units::kind))
        .load(conn)?;
    let rows: Vec<NewCycleUnit> = active
        .into_iter()
        .map(|(unit, kind)| NewCycleUnit::snapshot(id, unit, kind, &available))
        .collect();
    Ok(diesel::insert_into(cycle_units::table)
        .values(&rows)
        .on_conflict_do_nothing()
        .execute(conn)?)
}
