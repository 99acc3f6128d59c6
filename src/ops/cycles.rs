//! Cycles: loading and locking one, planning and opening a new one with the default forms,
//! and moving one along its lifecycle. The handlers, `seed-demo` and the tests call these.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::domain::calendar::default_dates;
use crate::domain::default_forms;
use crate::domain::forms::validate_items;
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::error::{ApiError, FieldError};
use crate::http::json::{Rules, Validate, clean};
use crate::models::cycle::{Cycle, CycleChangeset, NewCycle, NewTransition, Transition};
use crate::models::cycle_unit::NewCycleUnit;
use crate::models::form::{FormKind, ScoringForm};
use crate::models::{CycleId, UnitId, UnitKind};
use crate::schema::{cycle_units, units};

fn not_found(id: CycleId) -> ApiError {
    ApiError::not_found(format!("assessment cycle {id} does not exist"))
}

/// Loads a cycle (every role may read cycles).
pub fn find_cycle(conn: &mut PgConnection, id: CycleId) -> Result<Cycle, ApiError> {
    Cycle::find(conn, id).map_err(|e| match e {
        diesel::result::Error::NotFound => not_found(id),
        other => other.into(),
    })
}

/// Locks a cycle for a write in the same transaction.
pub fn lock_cycle(conn: &mut PgConnection, id: CycleId) -> Result<Cycle, ApiError> {
    Cycle::find_for_update(conn, id).map_err(|e| match e {
        diesel::result::Error::NotFound => not_found(id),
        other => other.into(),
    })
}

/// Answers 409 `cycle_published` once the cycle's results are published (and after, when it is
/// archived): nothing that would change a result changes then, until the office reopens the
/// cycle (`published → review`). For a cycle already loaded under its lock.
pub fn refuse_published(cycle: &Cycle) -> Result<(), ApiError> {
    if matches!(cycle.state, CycleState::Published | CycleState::Archived) {
        return Err(published(cycle.id, cycle.state));
    }
    Ok(())
}

fn published(id: CycleId, state: CycleState) -> ApiError {
    ApiError::Conflict {
        code: "cycle_published",
        detail: format!(
            "cycle {id} is {state}: its results are frozen; the office reopens it \
             (published → review) to correct them"
        ),
    }
}

/// The freeze, for every write that would change a result: 409 `cycle_published` once the
/// cycle is published or archived (404 when there is no such cycle). Reads the state under
/// `FOR KEY SHARE`, so a publication (which locks the cycle `FOR UPDATE`) waits for this write
/// to finish, and this write never lands after it. A write that locks the cycle itself calls
/// [`refuse_published`] on it instead.
pub fn ensure_not_published(conn: &mut PgConnection, cycle_id: CycleId) -> Result<(), ApiError> {
    let state: CycleState = crate::schema::assessment_cycles::table
        .find(cycle_id)
        .select(crate::schema::assessment_cycles::state)
        .for_key_share()
        .first(conn)
        .optional()?
        .ok_or_else(|| not_found(cycle_id))?;
    if matches!(state, CycleState::Published | CycleState::Archived) {
        return Err(published(cycle_id, state));
    }
    Ok(())
}

/// Answers 409 unless the cycle is a draft: settings and forms are frozen once it leaves draft.
pub fn ensure_draft(cycle: &Cycle, what: &str) -> Result<(), ApiError> {
    if cycle.state != CycleState::Draft {
        return Err(ApiError::Conflict {
            code: "cycle_not_draft",
            detail: format!(
                "{what} can change only while the cycle is a draft; cycle {} is in {}",
                cycle.id, cycle.state
            ),
        });
    }
    Ok(())
}

/// A cycle's settings: all of them at creation (each not given takes the plan's default), or
/// those to change while the cycle is a draft (`year` cannot change).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "year": 2015, "title": "阳山县2015年党风廉政建设责任制考核检查", "rectification_line": "75.00"
}))]
pub struct CycleSettings {
    // The weights, line and margin: points 0 to 100 with at most two decimals, as `Points`
    // accepts them and `points_in_range` bounds them.
    /// 考核年度，2000 至 2100，每年一个周期；开启时必填 (the year to assess, 2000 to 2100, one
    /// cycle per year; required at creation).
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// 标题，1 至 200 字（默认「<年度>年党风廉政建设责任制考核检查」） (title, 1 to 200
    /// characters).
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// 专项考核权重，0 至 100，默认 90.00 (special-inspection weight, 0 to 100; default 90.00).
    #[schema(
        value_type = Option<String>,
        pattern = "^(100(\\.00?)?|(0|[1-9]\\d?)(\\.\\d{1,2})?)$",
        example = "90.00"
    )]
    pub special_weight: Option<Points>,
    /// 常规考核权重，默认 10.00；两项权重之和为 100 (routine weight, default 10.00; the two
    /// weights add up to 100).
    #[schema(
        value_type = Option<String>,
        pattern = "^(100(\\.00?)?|(0|[1-9]\\d?)(\\.\\d{1,2})?)$",
        example = "10.00"
    )]
    pub routine_weight: Option<Points>,
    /// 整改线（含），默认 75.00 (rectification line, inclusive; default 75.00).
    #[schema(
        value_type = Option<String>,
        pattern = "^(100(\\.00?)?|(0|[1-9]\\d?)(\\.\\d{1,2})?)$",
        example = "75.00"
    )]
    pub rectification_line: Option<Points>,
    /// 常规考核抽取乡镇数，0 至 100，默认 2 (towns drawn for the routine inspection, 0 to 100;
    /// default 2).
    #[schema(minimum = 0, maximum = 100)]
    pub routine_sample_towns: Option<i32>,
    /// 常规考核抽取县直单位数，0 至 100，默认 2 (county departments drawn for the routine
    /// inspection, 0 to 100; default 2).
    #[schema(minimum = 0, maximum = 100)]
    pub routine_sample_departments: Option<i32>,
    /// 考核组评分与自评分的差异阈值，默认 2.00 (flag margin between team score and
    /// self-score; default 2.00).
    #[schema(
        value_type = Option<String>,
        pattern = "^(100(\\.00?)?|(0|[1-9]\\d?)(\\.\\d{1,2})?)$",
        example = "2.00"
    )]
    pub flag_margin: Option<Points>,
    /// 自查报告截止日期，默认 9 月 20 日 (self-inspection due date; default 20 September).
    pub self_inspection_due: Option<NaiveDate>,
    /// 专项考核检查结束日期，默认 9 月 30 日 (special inspection end date; default
    /// 30 September).
    pub special_inspection_ends: Option<NaiveDate>,
    /// 考核组报告截止日期，默认 10 月 15 日 (team reports due date; default 15 October).
    pub team_reports_due: Option<NaiveDate>,
}

fn points_in_range(rules: &mut Rules, field: &str, value: &Option<Points>) {
    if let Some(value) = value {
        if value.is_negative() || *value > Points::whole(100) {
            rules.0.push(FieldError::new(
                field,
                "out_of_range",
                format!("`{field}` must be 0 to 100"),
            ));
        }
        if !value.has_two_decimals_at_most() {
            rules.0.push(FieldError::new(
                field,
                "too_precise",
                format!("`{field}` has more than two decimal places"),
            ));
        }
    }
}

impl Validate for CycleSettings {
    fn check(&self, rules: &mut Rules) {
        if let Some(title) = &self.title {
            rules.text("title", title, 200);
        }
        if self.year.is_some_and(|year| !(2000..=2100).contains(&year)) {
            rules.0.push(FieldError::new(
                "year",
                "out_of_range",
                "`year` must be 2000 to 2100",
            ));
        }
        for (field, value) in [
            ("special_weight", &self.special_weight),
            ("routine_weight", &self.routine_weight),
            ("rectification_line", &self.rectification_line),
            ("flag_margin", &self.flag_margin),
        ] {
            points_in_range(rules, field, value);
        }
        for (field, value) in [
            ("routine_sample_towns", self.routine_sample_towns),
            (
                "routine_sample_departments",
                self.routine_sample_departments,
            ),
        ] {
            if value.is_some_and(|n| !(0..=100).contains(&n)) {
                rules.0.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!("`{field}` must be 0 to 100"),
                ));
            }
        }
    }
}

/// Checks the rules that involve several settings at once, on the values the cycle would have.
pub fn check_combined(
    special: &Points,
    routine: &Points,
    dates: (NaiveDate, NaiveDate, NaiveDate),
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if Points::sum([special, routine]) != Points::whole(100) {
        errors.push(FieldError::new(
            "routine_weight",
            "weights_not_100",
            format!(
                "special_weight ({special}) and routine_weight ({routine}) must add up to 100.00"
            ),
        ));
    }
    let (self_due, special_ends, reports_due) = dates;
    if self_due > special_ends {
        errors.push(FieldError::new(
            "special_inspection_ends",
            "before_self_inspection_due",
            "the special inspection cannot end before self-inspection is due",
        ));
    }
    if special_ends > reports_due {
        errors.push(FieldError::new(
            "team_reports_due",
            "before_special_inspection_ends",
            "team reports cannot be due before the special inspection ends",
        ));
    }
    errors
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

/// Moves cycle `id` to `to` if that is its next state and the guards hold, recording the
/// transition; returns the transition, the cycle after it and the audit change. Used by
/// `seed-demo`, on the system clock; the route runs [`advance_at`] on the application's.
pub fn advance(
    conn: &mut PgConnection,
    id: CycleId,
    to: CycleState,
    actor_sub: &str,
    actor_name: &str,
    note: Option<String>,
) -> Result<((Transition, Cycle), Change), ApiError> {
    let at = chrono::Utc::now();
    advance_at(conn, id, to, (actor_sub, actor_name), note, at)
}

/// [`advance`] at `at`, the application's clock: a publication dates the rectifications it
/// makes owed from it.
pub fn advance_at(
    conn: &mut PgConnection,
    id: CycleId,
    to: CycleState,
    (actor_sub, actor_name): (&str, &str),
    note: Option<String>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<((Transition, Cycle), Change), ApiError> {
    let cycle = lock_cycle(conn, id)?;
    let from = cycle.state;
    if let Some(reason) = from.refuse(to) {
        return Err(ApiError::Conflict {
            code: "illegal_transition",
            detail: reason,
        });
    }
    if from.is_reopening(to) && note.as_deref().is_none_or(crate::domain::text::is_blank) {
        return Err(ApiError::field(
            "note",
            "note_required",
            "reopening published results needs a note saying why",
        ));
    }
    check_transition(conn, &cycle, to)?;
    let duties = (to == CycleState::Published)
        .then(|| crate::ops::rectifications::on_publish(conn, id, at))
        .transpose()?;
    let snapshot = if from == CycleState::Draft {
        Some(take_snapshot(conn, id)?)
    } else {
        None
    };
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
    let publication_version = crate::ops::snapshots::on_transition(conn, &transition)?;
    let change = Change::new(
        "transition",
        "cycle",
        id,
        json!({"state": from}),
        json!({"state": to, "note": note, "units_in_snapshot": snapshot,
               "publication_version": publication_version, "rectifications": duties}),
    );
    Ok(((transition, updated), change))
}

/// The guards of moving `cycle` to `to` beyond the order of states: forms valid before the
/// cycle leaves draft (409 `cycle_forms_invalid`), every assessed unit with a team before the
/// special inspection (409 `units_without_team`), everything publication needs before
/// `published` (409 `publication_incomplete`, listing it: `ops::publication::missing`), and
/// every owed rectification accepted before `archived` (409 `rectifications_pending`). The
/// transition and the office's task list both ask it, so the list says exactly what the
/// transition would refuse.
pub fn check_transition(
    conn: &mut PgConnection,
    cycle: &Cycle,
    to: CycleState,
) -> Result<(), ApiError> {
    if cycle.state == CycleState::Draft {
        ensure_forms_valid(conn, cycle)?;
    }
    if to == CycleState::SpecialInspection {
        let unassigned = crate::models::team::Team::unassigned(conn, cycle.id)?;
        if !unassigned.is_empty() {
            let names: Vec<&str> = unassigned
                .iter()
                .take(5)
                .map(|(_, name)| name.as_str())
                .collect();
            return Err(ApiError::Conflict {
                code: "units_without_team",
                detail: format!(
                    "{} assessed unit(s) have no inspection team yet, for example {}; \
                     see GET …/teams/unassigned",
                    unassigned.len(),
                    names.join("、")
                ),
            });
        }
    }
    if to == CycleState::Published {
        crate::ops::publication::ensure_complete(conn, cycle.id)?;
    }
    if to == CycleState::Archived {
        crate::ops::rectifications::ensure_all_accepted(conn, cycle.id)?;
    }
    Ok(())
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
    // PostgreSQL takes at most 65,535 parameters a statement: a province of 20,000 units
    // (seven columns each) goes in several statements.
    let mut inserted = 0;
    for chunk in rows.chunks(SNAPSHOT_CHUNK) {
        inserted += diesel::insert_into(cycle_units::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(conn)?;
    }
    Ok(inserted)
}

/// Units written by one statement of [`take_snapshot`]: 7 parameters each, under 65,535.
const SNAPSHOT_CHUNK: usize = 5_000;
