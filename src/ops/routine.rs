//! The routine inspection (日常考核检查, plan §4(二)): the year's plan and each unit's
//! responsibility targets, the verifiable draw (commit, seed, verify, redraw), and the routine
//! scores out of 10. The visit records are a member of the signed family
//! (`ops::routine_visits`). The draw's algorithm is `domain::draw`.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::auth::scope::{self, RoutineScoreAccess};
use crate::domain::draw::{self, EligibleGroup, SampleGroup, SampledGroup};
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::error::{ApiError, FieldError};
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
use crate::models::routine::{Draw, NewDraw, NewRoutineScore, RoutinePlan, RoutineScore};
use crate::models::routine::{RoutineVisit, eligible_units};
use crate::models::{CycleId, DrawId, UnitId, UnitKind};
use crate::ops::cycles::find_cycle;

/// The routine inspection works while the cycle's units are fixed and its results unpublished:
/// self-inspection, special inspection and review (409 `cycle_published` once published,
/// `routine_not_open` otherwise).
pub fn ensure_routine_phase(cycle: &Cycle) -> Result<(), ApiError> {
    crate::ops::cycles::refuse_published(cycle)?;
    match cycle.state {
        CycleState::SelfInspection | CycleState::SpecialInspection | CycleState::Review => Ok(()),
        state => Err(ApiError::Conflict {
            code: "routine_not_open",
            detail: format!(
                "the routine inspection works during self_inspection, special_inspection and \
                 review; cycle {} is in {state}",
                cycle.id
            ),
        }),
    }
}

/// The unit's place in the cycle when it is assessed; 404 otherwise.
pub fn assessed_unit(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<CycleUnit, ApiError> {
    CycleUnit::find(conn, cycle_id, unit_id)?
        .filter(|p| p.status == CycleUnitStatus::Assessed)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "unit {unit_id} is not assessed in cycle {cycle_id}"
            ))
        })
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

/// 日常考核检查方案 (the year's routine-check plan), with the sample sizes it draws.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// 检查内容 (what is checked); absent before the plan is written.
    pub scope: Option<String>,
    /// 检查方式 (how: field visits, questionnaires, ledgers).
    pub methods: Option<String>,
    /// 时间安排 (when).
    pub schedule: Option<String>,
    /// 抽查县直单位数 (county departments drawn; the cycle's setting).
    pub sample_departments: i32,
    /// 抽查乡镇数 (towns drawn; the cycle's setting).
    pub sample_towns: i32,
    /// 抽查县属企业数 (county enterprises drawn; 0: enterprises are not a sampling group).
    pub sample_enterprises: i32,
    /// Version (0 before the plan is written); the `ETag`.
    pub version: i32,
    /// Who wrote it last.
    pub updated_by: Option<String>,
    /// When.
    pub updated_at: Option<DateTime<Utc>>,
}

impl PlanView {
    /// The plan of `cycle` as shown, written or not.
    pub fn new(cycle: &Cycle, plan: Option<RoutinePlan>) -> Self {
        Self {
            cycle_id: cycle.id,
            sample_departments: cycle.routine_sample_departments,
            sample_towns: cycle.routine_sample_towns,
            sample_enterprises: plan.as_ref().map_or(0, |p| p.sample_enterprises),
            version: plan.as_ref().map_or(0, |p| p.version),
            scope: plan.as_ref().map(|p| p.scope.clone()),
            methods: plan.as_ref().map(|p| p.methods.clone()),
            schedule: plan.as_ref().map(|p| p.schedule.clone()),
            updated_by: plan.as_ref().map(|p| p.updated_by.clone()),
            updated_at: plan.map(|p| p.updated_at),
        }
    }
}

/// The refusal of a sample size that changes after the draw is committed (DOMAIN.md
/// "Settings added after the draft stage").
pub fn draw_committed(cycle_id: CycleId) -> ApiError {
    ApiError::Conflict {
        code: "draw_committed",
        detail: format!(
            "the draw of cycle {cycle_id} is committed: its sample sizes no longer change \
             (a redraw commits the new ones)"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The draw
// ---------------------------------------------------------------------------------------------

crate::text_enum! {
    /// 抽查承诺状态 (where a draw is).
    pub enum DrawStatus {
        /// 已承诺，待种子 (committed: the seed source publishes later)
        Committed => "committed",
        /// 已抽取 (seeded: the sample is drawn)
        Seeded => "seeded",
        /// 已被重抽取代 (superseded by a redraw, kept on record)
        Superseded => "superseded",
    }
}

/// A draw as the API shows it: the commitment to every role; the seed and the sample to the
/// office, and to everyone once every visit record of the current draw is final.
#[derive(Debug, Serialize, ToSchema)]
pub struct DrawView {
    /// Draw id.
    #[schema(value_type = i64)]
    pub id: DrawId,
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// Where it is.
    pub status: DrawStatus,
    /// 种子来源 (the named public source of the seed).
    pub seed_source: String,
    /// When the source publishes; the seed is refused before.
    pub seed_publishes_at: DateTime<Utc>,
    /// 重抽理由 (why a redraw), when it is one.
    pub reason: Option<String>,
    /// The frozen eligible lists, by group, with the number drawn from each.
    pub eligible: Vec<EligibleGroup>,
    /// SHA-256 of the eligible lists (README "The routine draw"), shown from the commitment.
    pub eligible_sha256: String,
    /// Who committed it.
    pub committed_by: String,
    /// When.
    pub committed_at: DateTime<Utc>,
    /// Whether the seed and the sample are withheld from the caller (until the visits are
    /// final).
    pub sealed: bool,
    /// 种子 (the seed as entered); absent before it is entered, or while sealed.
    pub seed: Option<String>,
    /// When it was entered.
    pub seeded_at: Option<DateTime<Utc>>,
    /// The draw algorithm's version.
    pub algorithm_version: Option<i32>,
    /// 抽中单位 (the units drawn, by group, in rank order).
    pub sample: Option<Vec<SampledGroup>>,
}

fn eligible_of(draw: &Draw) -> Result<Vec<EligibleGroup>, ApiError> {
    serde_json::from_value(draw.eligible.clone()).map_err(ApiError::internal)
}

fn sample_of(draw: &Draw) -> Result<Option<Vec<SampledGroup>>, ApiError> {
    draw.sample
        .clone()
        .map(serde_json::from_value)
        .transpose()
        .map_err(ApiError::internal)
}

impl DrawView {
    /// The draw as `shown` lets the caller see it.
    pub fn new(draw: &Draw, shown: bool) -> Result<Self, ApiError> {
        let status = match (draw.superseded_at, &draw.seed) {
            (Some(_), _) => DrawStatus::Superseded,
            (None, Some(_)) => DrawStatus::Seeded,
            (None, None) => DrawStatus::Committed,
        };
        Ok(Self {
            id: draw.id,
            cycle_id: draw.cycle_id,
            status,
            seed_source: draw.seed_source.clone(),
            seed_publishes_at: draw.seed_publishes_at,
            reason: draw.reason.clone(),
            eligible: eligible_of(draw)?,
            eligible_sha256: draw.eligible_sha256.clone(),
            committed_by: draw.committed_by.clone(),
            committed_at: draw.committed_at,
            sealed: !shown,
            seed: draw.seed.clone().filter(|_| shown),
            seeded_at: draw.seeded_at,
            algorithm_version: draw.algorithm_version,
            sample: if shown { sample_of(draw)? } else { None },
        })
    }
}

/// The units drawn by the cycle's current draw, once seeded.
pub fn sampled_units(conn: &mut PgConnection, cycle_id: CycleId) -> Result<Vec<UnitId>, ApiError> {
    let Some(current) = Draw::current(conn, cycle_id, false)? else {
        return Ok(Vec::new());
    };
    Ok(sample_of(&current)?
        .unwrap_or_default()
        .into_iter()
        .flat_map(|g| g.unit_ids)
        .map(UnitId)
        .collect())
}

/// Whether the cycle's draw is unsealed: its current draw is seeded and every visit record of
/// its sample is final.
pub fn unsealed(conn: &mut PgConnection, cycle_id: CycleId) -> Result<bool, ApiError> {
    let Some(current) = Draw::current(conn, cycle_id, false)? else {
        return Ok(false);
    };
    if current.seed.is_none() {
        return Ok(false);
    }
    let sampled = sampled_units(conn, cycle_id)?;
    let done = RoutineVisit::final_among(conn, cycle_id, &sampled)?;
    Ok(sampled.iter().all(|u| done.contains(u)))
}

/// Whether `user` sees the seed and the sample of the cycle's draws.
pub fn shows_draw(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
) -> Result<bool, ApiError> {
    if scope::sees_draw(user, false) {
        return Ok(true);
    }
    Ok(scope::sees_draw(user, unsealed(conn, cycle_id)?))
}

/// The eligible lists the cycle's settings draw from now: county departments and towns (the
/// cycle's sample sizes) and, when the plan adds them, county enterprises; assessed, active
/// units only (never vertical, excluded or archived ones). A group of size 0 is left out; a
/// size larger than its pool is a 422 naming the setting (`exceeds_pool`).
pub fn eligible_groups(
    conn: &mut PgConnection,
    cycle: &Cycle,
) -> Result<Vec<EligibleGroup>, ApiError> {
    let enterprises = RoutinePlan::find(conn, cycle.id, false)?.map_or(0, |p| p.sample_enterprises);
    let settings = [
        (
            SampleGroup::CountyDepartment,
            UnitKind::CountyDepartment,
            cycle.routine_sample_departments,
            "routine_sample_departments",
        ),
        (
            SampleGroup::Town,
            UnitKind::Town,
            cycle.routine_sample_towns,
            "routine_sample_towns",
        ),
        (
            SampleGroup::CountyEnterprise,
            UnitKind::CountyEnterprise,
            enterprises,
            "sample_enterprises",
        ),
    ];
    let mut groups = Vec::new();
    let mut errors = Vec::new();
    for (group, kind, size, setting) in settings {
        let size = u32::try_from(size).unwrap_or(0);
        if size == 0 {
            continue;
        }
        let unit_ids: Vec<i64> = eligible_units(conn, cycle.id, kind)?
            .into_iter()
            .map(|u| u.0)
            .collect();
        if unit_ids.len() < size as usize {
            errors.push(FieldError::new(
                setting,
                "exceeds_pool",
                format!(
                    "{size} {group} units are to be drawn, but only {} are eligible",
                    unit_ids.len()
                ),
            ));
        }
        groups.push(EligibleGroup {
            group,
            size,
            unit_ids,
        });
    }
    if groups.is_empty() {
        errors.push(FieldError::new(
            "routine_sample_departments",
            "empty",
            "every sample size is 0: there is nothing to draw",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(groups)
}

/// What a commitment names.
pub struct Commitment {
    /// The public seed source.
    pub seed_source: String,
    /// When it publishes (in the future).
    pub seed_publishes_at: DateTime<Utc>,
    /// Why a redraw; required when a commitment stands.
    pub reason: Option<String>,
}

/// Commits the cycle's draw: freezes the eligible lists and names the seed source and the time
/// it publishes, which must be after `now` (422 `not_in_future`). A redraw supersedes the
/// current commitment and needs a reason (422 `required`).
pub fn commit(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    c: Commitment,
    now: DateTime<Utc>,
) -> Result<(Draw, Change), ApiError> {
    let cycle = crate::ops::cycles::lock_cycle(conn, cycle_id)?;
    ensure_routine_phase(&cycle)?;
    let current = Draw::current(conn, cycle_id, true)?;
    let mut errors = Vec::new();
    if c.seed_publishes_at <= now {
        errors.push(FieldError::new(
            "seed_publishes_at",
            "not_in_future",
            "the seed source must publish after the commitment, so nobody knows the seed now",
        ));
    }
    if current.is_some() && c.reason.is_none() {
        errors.push(FieldError::new(
            "reason",
            "required",
            "a redraw needs a reason: the cycle has a commitment already",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let groups = eligible_groups(conn, &cycle)?;
    if let Some(current) = &current {
        Draw::supersede(conn, current.id)?;
    }
    let draw = NewDraw {
        cycle_id,
        seed_source: c.seed_source,
        seed_publishes_at: c.seed_publishes_at,
        reason: c.reason,
        eligible_sha256: draw::eligible_sha256(cycle_id.0, &groups),
        eligible: serde_json::to_value(&groups).map_err(ApiError::internal)?,
        committed_by: user.sub.clone(),
    }
    .insert(conn)?;
    let mut after = serde_json::to_value(&draw).map_err(ApiError::internal)?;
    if let (Some(after), Some(old)) = (after.as_object_mut(), &current) {
        after.insert("supersedes".to_owned(), json!(old.id));
    }
    let change = Change::new("commit", "routine_draw", draw.id, Value::Null, after);
    Ok((draw, change))
}

/// Enters the seed of the cycle's current commitment and draws the sample (`domain::draw`),
/// storing the seed, the algorithm version and the result. 409 `no_commitment` without a
/// commitment, `seed_too_early` when `now` is before the committed time, `draw_seeded` when
/// entered already; 422 for a seed `domain::draw::refuse_seed` refuses.
pub fn seed(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    seed: &str,
    now: DateTime<Utc>,
) -> Result<(Draw, Change), ApiError> {
    let cycle = crate::ops::cycles::lock_cycle(conn, cycle_id)?;
    ensure_routine_phase(&cycle)?;
    let current = Draw::current(conn, cycle_id, true)?.ok_or_else(|| ApiError::Conflict {
        code: "no_commitment",
        detail: format!("cycle {cycle_id} has no committed draw: commit one before its seed"),
    })?;
    if current.seed.is_some() {
        return Err(ApiError::Conflict {
            code: "draw_seeded",
            detail: format!(
                "draw {} has its seed already; a redraw needs a new commitment",
                current.id
            ),
        });
    }
    if now < current.seed_publishes_at {
        return Err(ApiError::Conflict {
            code: "seed_too_early",
            detail: format!(
                "the seed source publishes at {}; a seed entered before then is refused",
                current.seed_publishes_at.to_rfc3339()
            ),
        });
    }
    if let Some(why) = draw::refuse_seed(seed) {
        return Err(ApiError::field("seed", "invalid", why));
    }
    let groups = eligible_of(&current)?;
    let sample = draw::draw(seed, cycle_id.0, &groups);
    let sample = serde_json::to_value(&sample).map_err(ApiError::internal)?;
    let draw = Draw::record_seed(
        conn,
        current.id,
        seed,
        &user.sub,
        draw::ALGORITHM_VERSION,
        &sample,
    )?;
    let after = json!({
        "seed": seed,
        "algorithm_version": draw::ALGORITHM_VERSION,
        "sample": sample,
    });
    let change = Change::new("seed", "routine_draw", draw.id, Value::Null, after);
    Ok((draw, change))
}

/// The answer of the verify call: the draw recomputed from what was stored.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DrawVerification {
    /// Draw id.
    #[schema(value_type = i64)]
    pub draw_id: DrawId,
    /// Whether both below match: the draw is what the stored inputs give.
    pub matches: bool,
    /// Whether the stored eligible lists still have the SHA-256 shown at the commitment.
    pub eligible_matches: bool,
    /// Whether the stored sample is what the algorithm gives for the stored seed and lists.
    pub sample_matches: bool,
    /// The algorithm version used.
    pub algorithm_version: i32,
    /// The stored seed.
    pub seed: String,
    /// SHA-256 of the stored eligible lists, recomputed.
    pub eligible_sha256: String,
    /// The sample recomputed from the stored seed and lists.
    pub sample: Vec<SampledGroup>,
}

/// Recomputes draw `id` from its stored seed and lists (office at any time; every role once
/// unsealed: 403 `draw_sealed` before). 409 `draw_not_seeded` before the seed.
pub fn verify(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    id: DrawId,
) -> Result<DrawVerification, ApiError> {
    find_cycle(conn, cycle_id)?;
    let draw = Draw::find(conn, cycle_id, id)?
        .ok_or_else(|| ApiError::not_found(format!("cycle {cycle_id} has no draw {id}")))?;
    if !shows_draw(conn, user, cycle_id)? {
        return Err(ApiError::Forbidden(
            "the draw stays with the office until every visit record is final".to_owned(),
        ));
    }
    let (Some(seed), Some(version)) = (draw.seed.clone(), draw.algorithm_version) else {
        return Err(ApiError::Conflict {
            code: "draw_not_seeded",
            detail: format!("draw {id} has no seed yet: there is nothing to verify"),
        });
    };
    // A stored list that no longer reads as lists does not match anything.
    let groups: Option<Vec<EligibleGroup>> = serde_json::from_value(draw.eligible.clone()).ok();
    let stored: Option<Vec<SampledGroup>> = draw
        .sample
        .clone()
        .and_then(|s| serde_json::from_value(s).ok());
    let groups = groups.unwrap_or_default();
    let eligible_sha256 = draw::eligible_sha256(cycle_id.0, &groups);
    let sample = if version == draw::ALGORITHM_VERSION {
        draw::draw(&seed, cycle_id.0, &groups)
    } else {
        Vec::new()
    };
    let eligible_matches = eligible_sha256 == draw.eligible_sha256;
    let sample_matches = version == draw::ALGORITHM_VERSION && stored.as_ref() == Some(&sample);
    Ok(DrawVerification {
        draw_id: id,
        matches: eligible_matches && sample_matches,
        eligible_matches,
        sample_matches,
        algorithm_version: version,
        seed,
        eligible_sha256,
        sample,
    })
}

// ---------------------------------------------------------------------------------------------
// Routine scores
// ---------------------------------------------------------------------------------------------

/// 日常考核得分 (a unit's routine score, out of 10).
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreView {
    /// The cycle.
    #[schema(value_type = i64)]
    pub cycle_id: CycleId,
    /// The unit.
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    /// 得分 (0.00 to 10.00).
    pub score: Points,
    /// 说明 (the note).
    pub note: String,
    /// Version; the `ETag`.
    pub version: i32,
    /// Who entered it last.
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
}

impl From<RoutineScore> for ScoreView {
    fn from(s: RoutineScore) -> Self {
        Self {
            cycle_id: s.cycle_id,
            unit_id: s.unit_id,
            score: Points(s.score),
            note: s.note,
            version: s.version,
            updated_by: s.updated_by,
            updated_at: s.updated_at,
        }
    }
}

/// A routine score as written: `0` to `10` with at most two decimals, as a string. The field
/// error names `field`: `too_precise` for three decimals or more, `out_of_range` above 10.
pub fn parse_score(field: &str, text: &str) -> Result<BigDecimal, FieldError> {
    let too_precise = text.split_once('.').is_some_and(|(w, f)| {
        !w.is_empty() && f.len() > 2 && (w.to_owned() + f).bytes().all(|b| b.is_ascii_digit())
    });
    if too_precise {
        return Err(FieldError::new(
            field,
            "too_precise",
            format!("`{text}` has more than two decimals"),
        ));
    }
    let points: Points = text
        .parse()
        .map_err(|why: String| FieldError::new(field, "invalid", why))?;
    if points.0 > 10 {
        return Err(FieldError::new(
            field,
            "out_of_range",
            format!("a routine score is 0 to 10, not {text}"),
        ));
    }
    Ok(points.0)
}

/// Why a sampled unit may not have a score yet: its visit record is not final. `None` when the
/// unit is not sampled or its visit is final.
pub fn visit_missing(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
    sampled: &[UnitId],
) -> Result<Option<String>, ApiError> {
    if !sampled.contains(&unit_id) {
        return Ok(None);
    }
    let done = RoutineVisit::final_among(conn, cycle_id, &[unit_id])?;
    Ok(done.is_empty().then(|| {
        format!("unit {unit_id} was sampled: its visit record must be final before its score")
    }))
}

/// One row of a bulk entry.
pub struct ScoreRow {
    /// The unit.
    pub unit_id: UnitId,
    /// The score as written.
    pub score: String,
    /// The note, cleaned.
    pub note: String,
}

/// Creates the routine scores of several units at once: all or nothing. Every bad row is
/// named in the 422 (`scores[i].unit_id`: not assessed, entered already, repeated, sampled
/// without a final visit; `scores[i].score`: not a score out of 10).
pub fn create_scores(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    rows: Vec<ScoreRow>,
) -> Result<(Vec<ScoreView>, Change), ApiError> {
    let cycle = crate::ops::cycles::lock_cycle(conn, cycle_id)?;
    ensure_routine_phase(&cycle)?;
    let sampled = sampled_units(conn, cycle_id)?;
    let mut errors = Vec::new();
    let mut new = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let unit_field = format!("scores[{i}].unit_id");
        match parse_score(&format!("scores[{i}].score"), &row.score) {
            Ok(score) => new.push(NewRoutineScore {
                cycle_id,
                unit_id: row.unit_id,
                score,
                note: row.note.clone(),
                updated_by: user.sub.clone(),
            }),
            Err(e) => errors.push(e),
        }
        let assessed = CycleUnit::find(conn, cycle_id, row.unit_id)?
            .is_some_and(|p| p.status == CycleUnitStatus::Assessed);
        if !assessed {
            errors.push(FieldError::new(
                &unit_field,
                "not_assessed",
                format!("unit {} is not assessed in cycle {cycle_id}", row.unit_id),
            ));
        } else if rows[..i].iter().any(|r| r.unit_id == row.unit_id) {
            errors.push(FieldError::new(
                &unit_field,
                "duplicate",
                format!("unit {} appears twice", row.unit_id),
            ));
        } else if RoutineScore::find(conn, cycle_id, row.unit_id, false)?.is_some() {
            errors.push(FieldError::new(
                &unit_field,
                "already_scored",
                format!(
                    "unit {} has a routine score: correct it with PUT",
                    row.unit_id
                ),
            ));
        } else if let Some(why) = visit_missing(conn, cycle_id, row.unit_id, &sampled)? {
            errors.push(FieldError::new(&unit_field, "visit_not_final", why));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let created = NewRoutineScore::insert_all(conn, &new)?;
    let views: Vec<ScoreView> = created.into_iter().map(ScoreView::from).collect();
    // An object, as every record's `after` is: the scores under their field's name.
    let change = Change::created("routine_scores", cycle_id, &json!({ "scores": &views }));
    Ok((views, change))
}

/// Corrects a unit's routine score under `If-Match` (checked by `check` on the current row);
/// 404 when none was entered, 409 `visit_not_final` when its visit was reopened since.
pub fn correct_score(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, unit_id): (CycleId, UnitId),
    score: &str,
    note: &str,
    check: impl FnOnce(&RoutineScore) -> Result<(), ApiError>,
) -> Result<(ScoreView, Change), ApiError> {
    let cycle = crate::ops::cycles::lock_cycle(conn, cycle_id)?;
    let current = RoutineScore::find(conn, cycle_id, unit_id, true)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "unit {unit_id} has no routine score in cycle {cycle_id}"
        ))
    })?;
    check(&current)?;
    ensure_routine_phase(&cycle)?;
    let score = parse_score("score", score).map_err(|e| ApiError::Validation(vec![e]))?;
    let sampled = sampled_units(conn, cycle_id)?;
    if let Some(why) = visit_missing(conn, cycle_id, unit_id, &sampled)? {
        return Err(ApiError::Conflict {
            code: "visit_not_final",
            detail: why,
        });
    }
    let updated = RoutineScore::correct(conn, cycle_id, unit_id, &score, note, &user.sub)?;
    let id = format!("{cycle_id}/{unit_id}");
    let change = Change::updated(
        "routine_score",
        id,
        &ScoreView::from(current),
        &ScoreView::from(updated.clone()),
    );
    Ok((ScoreView::from(updated), change))
}

/// Why a caller in scope does not see routine scores yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotPublished;

impl NotPublished {
    /// The answer: 403 `not_published`.
    pub fn respond(self) -> actix_web::HttpResponse {
        crate::http::problem::problem(
            403,
            "not_published",
            "routine scores are shown to units and inspectors once the cycle is published",
        )
    }
}

/// The cycle's routine scores the caller may see.
pub fn list_scores(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
) -> Result<Result<Vec<ScoreView>, NotPublished>, ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let only = match scope::routine_scores(conn, user, cycle_id, cycle.state)? {
        RoutineScoreAccess::All => None,
        RoutineScoreAccess::Only(ids) => Some(ids),
        RoutineScoreAccess::NotPublished => return Ok(Err(NotPublished)),
    };
    let scores = RoutineScore::list(conn, cycle_id, only)?;
    Ok(Ok(scores.into_iter().map(ScoreView::from).collect()))
}

/// A unit's routine score: 404 outside the caller's scope or before it is entered; 403
/// `not_published` to the unit and its team before publication.
pub fn get_score(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, unit_id): (CycleId, UnitId),
) -> Result<Result<ScoreView, NotPublished>, ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let hidden = || ApiError::not_found(format!("no routine score of unit {unit_id} in scope"));
    if !scope::can_read_unit_in_cycle(conn, user, cycle_id, unit_id)? {
        return Err(hidden());
    }
    match scope::routine_scores(conn, user, cycle_id, cycle.state)? {
        RoutineScoreAccess::NotPublished => return Ok(Err(NotPublished)),
        RoutineScoreAccess::Only(ids) if !ids.contains(&unit_id) => return Err(hidden()),
        _ => {}
    }
    let score = RoutineScore::find(conn, cycle_id, unit_id, false)?.ok_or_else(hidden)?;
    Ok(Ok(ScoreView::from(score)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_routine_score_is_zero_to_ten_with_two_decimals_at_most() {
        assert_eq!(
            parse_score("s", "9.50").map(|b| b.to_string()),
            Ok("9.50".to_owned())
        );
        assert!(parse_score("s", "10").is_ok());
        assert!(parse_score("s", "0").is_ok());
        assert_eq!(
            parse_score("s", "10.01").map_err(|e| e.code),
            Err("out_of_range".into())
        );
        assert_eq!(
            parse_score("s", "9.505").map_err(|e| e.code),
            Err("too_precise".into())
        );
        assert_eq!(
            parse_score("s", "-1").map_err(|e| e.code),
            Err("invalid".into())
        );
        assert_eq!(
            parse_score("s", "9,5").map_err(|e| e.code),
            Err("invalid".into())
        );
    }
}
