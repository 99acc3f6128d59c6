//! What the office sets for a cycle's results besides the scores (issue 15): the result
//! settings (publication scope, leader grades shown to units, the veto and its cap), the grade
//! bands, veto events (一票否决) and the fallback results of vertical units (plan §1). All of
//! it may change until the cycle is published (409 `cycle_published` after; DOMAIN.md,
//! "Settings added after the draft stage").

use std::collections::HashSet;
use std::str::FromStr;

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::AuthUser;
use crate::domain::points::Points;
use crate::error::{ApiError, FieldError};
use crate::models::cycle::Cycle;
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus, FallbackSource};
use crate::models::result::{
    FallbackResult, GradeBand, NewFallbackResult, NewVetoEvent, PublicationScope, ResultSettings,
    ResultSettingsChange, VetoEvent,
};
use crate::models::{CycleId, Leader, LeaderId, UnitId, UnitKind, VetoId};
use crate::ops::cycles::{find_cycle, lock_cycle, refuse_published};
use crate::ops::results::{BandView, FallbackView, fallback_view};
use crate::schema::{fallback_results, units};

/// 结果设置 (a cycle's result settings, with the weights and line it takes from the cycle).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SettingsView {
    /// The cycle.
    pub cycle_id: CycleId,
    /// w_special (the cycle's setting, fixed when it left draft).
    #[schema(value_type = String, example = "90.00")]
    pub special_weight: Points,
    /// w_routine (the cycle's setting).
    #[schema(value_type = String, example = "10.00")]
    pub routine_weight: Points,
    /// The rectification line, inclusive (the cycle's setting).
    #[schema(value_type = String, example = "75.00")]
    pub rectification_line: Points,
    /// What a unit sees after publication besides its own result.
    pub publication_scope: PublicationScope,
    /// Whether a unit sees its own leaders' grades after publication.
    pub units_see_leader_grades: bool,
    /// Whether the veto (一票否决) applies.
    pub veto_enabled: bool,
    /// The highest band a vetoed unit gets.
    #[schema(example = "一般")]
    pub veto_band: Option<String>,
    /// The grade bands, lowest first.
    pub bands: Vec<BandView>,
    /// The version (the `ETag`), bumped by every change of the settings or bands.
    pub version: i32,
    /// Who changed them last.
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
}

fn settings_view(cycle: &Cycle, s: ResultSettings, bands: Vec<GradeBand>) -> SettingsView {
    SettingsView {
        cycle_id: cycle.id,
        special_weight: Points(cycle.special_weight.clone()),
        routine_weight: Points(cycle.routine_weight.clone()),
        rectification_line: Points(cycle.rectification_line.clone()),
        publication_scope: s.publication_scope,
        units_see_leader_grades: s.units_see_leader_grades,
        veto_enabled: s.veto_enabled,
        veto_band: s.veto_band,
        bands: bands
            .into_iter()
            .map(|b| BandView {
                name: b.name,
                lower_bound: Points(b.lower_bound),
            })
            .collect(),
        version: s.version,
        updated_by: s.updated_by,
        updated_at: s.updated_at,
    }
}

/// The cycle's result settings (404 without the cycle).
pub fn settings(conn: &mut PgConnection, cycle_id: CycleId) -> Result<SettingsView, ApiError> {
    let cycle = find_cycle(conn, cycle_id)?;
    let s = ResultSettings::find(conn, cycle_id, false)?;
    let bands = GradeBand::for_cycle(conn, cycle_id)?;
    Ok(settings_view(&cycle, s, bands))
}

/// New settings, read and checked by the handler's body.
#[derive(Debug, Clone)]
pub struct NewSettings {
    /// What a unit sees after publication.
    pub publication_scope: PublicationScope,
    /// Whether units see their own leaders' grades.
    pub units_see_leader_grades: bool,
    /// Whether the veto applies.
    pub veto_enabled: bool,
    /// The veto's cap, a band's name.
    pub veto_band: Option<String>,
}

/// Replaces the cycle's settings under `check` (the `If-Match` of their version). A veto
/// needs its cap, and the cap must name one of the cycle's bands (422).
pub fn put_settings(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    new: NewSettings,
    check: impl FnOnce(i32) -> Result<(), ApiError>,
) -> Result<(SettingsView, Change), ApiError> {
    let cycle = lock_cycle(conn, cycle_id)?;
    let current = ResultSettings::find(conn, cycle_id, true)?;
    check(current.version)?;
    refuse_published(&cycle)?;
    let bands = GradeBand::for_cycle(conn, cycle_id)?;
    if let Some(band) = &new.veto_band
        && !bands.iter().any(|b| &b.name == band)
    {
        return Err(ApiError::field(
            "veto_band",
            "unknown_band",
            format!("the cycle has no band named {band}"),
        ));
    }
    if new.veto_enabled && new.veto_band.is_none() {
        return Err(ApiError::field(
            "veto_band",
            "required",
            "a veto needs the highest band a vetoed unit gets",
        ));
    }
    let before = settings_view(&cycle, current, bands.clone());
    let saved = ResultSettings::update(
        conn,
        cycle_id,
        &ResultSettingsChange {
            publication_scope: new.publication_scope,
            units_see_leader_grades: new.units_see_leader_grades,
            veto_enabled: new.veto_enabled,
            veto_band: new.veto_band,
            updated_by: user.sub.clone(),
        },
    )?;
    let after = settings_view(&cycle, saved, bands);
    let change = Change::updated("result_settings", cycle_id, &before, &after);
    Ok((after, change))
}

/// One band of a replacement, as sent.
#[derive(Debug, Clone)]
pub struct NewBand {
    /// Its name.
    pub name: String,
    /// Its lower bound, as sent (`"90.00"`).
    pub lower_bound: String,
}

/// Checks a set of bands: distinct names, lower bounds from 0 to below 100 with at most two
/// decimals, distinct, one of them 0 (so they cover 0 to 100 without overlap).
pub fn check_bands(bands: &[NewBand]) -> Result<Vec<(String, BigDecimal)>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut names = HashSet::new();
    let mut bounds = HashSet::new();
    let mut out = Vec::new();
    for (i, band) in bands.iter().enumerate() {
        if !names.insert(band.name.clone()) {
            errors.push(FieldError::new(
                format!("bands[{i}].name"),
                "duplicate",
                "two bands have this name",
            ));
        }
        let bound = Points::from_str(&band.lower_bound)
            .ok()
            .filter(|p| p.0 < 100);
        match bound {
            None => errors.push(FieldError::new(
                format!("bands[{i}].lower_bound"),
                "out_of_range",
                "a lower bound is from 0 to below 100, with at most two decimals",
            )),
            Some(p) if !bounds.insert(p.0.normalized()) => errors.push(FieldError::new(
                format!("bands[{i}].lower_bound"),
                "duplicate",
                "two bands start at the same total",
            )),
            Some(p) => out.push((band.name.clone(), p.0)),
        }
    }
    if errors.is_empty() && !bounds.contains(&BigDecimal::from(0).normalized()) {
        errors.push(FieldError::new(
            "bands",
            "not_covering",
            "one band must start at 0, so that the bands cover 0 to 100",
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Replaces the cycle's grade bands under `check` (the settings' `If-Match`); the veto's cap
/// must stay one of them (422 `veto_band_missing`).
pub fn put_bands(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    bands: &[NewBand],
    check: impl FnOnce(i32) -> Result<(), ApiError>,
) -> Result<(SettingsView, Change), ApiError> {
    let cycle = lock_cycle(conn, cycle_id)?;
    let current = ResultSettings::find(conn, cycle_id, true)?;
    check(current.version)?;
    refuse_published(&cycle)?;
    let checked = check_bands(bands).map_err(ApiError::Validation)?;
    if let Some(cap) = &current.veto_band
        && !checked.iter().any(|(name, _)| name == cap)
    {
        return Err(ApiError::field(
            "bands",
            "veto_band_missing",
            format!("the veto's cap {cap} must stay one of the bands"),
        ));
    }
    let old = GradeBand::for_cycle(conn, cycle_id)?;
    let before = settings_view(&cycle, current, old);
    let rows: Vec<GradeBand> = checked
        .into_iter()
        .map(|(name, lower_bound)| GradeBand {
            cycle_id,
            name,
            lower_bound,
        })
        .collect();
    let saved = GradeBand::replace(conn, cycle_id, &rows)?;
    let touched = ResultSettings::touch(conn, cycle_id, &user.sub)?;
    let after = settings_view(&cycle, touched, saved);
    let change = Change::changed("set_bands", "result_settings", cycle_id, &before, &after);
    Ok((after, change))
}

/// 一票否决事件 (a veto event recorded against a unit).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VetoView {
    /// Its id.
    pub id: VetoId,
    /// The cycle.
    pub cycle_id: CycleId,
    /// The unit.
    pub unit_id: UnitId,
    /// The leader concerned, when one is named.
    pub leader_id: Option<LeaderId>,
    /// Their name.
    pub leader_name: Option<String>,
    /// Why.
    #[schema(example = "班子成员因严重违纪受到开除党籍处分")]
    pub reason: String,
    /// The decision's reference.
    #[schema(example = "阳纪发〔2014〕21号")]
    pub document_ref: String,
    /// Who recorded it (`sub`).
    pub recorded_by: String,
    /// Their name.
    pub recorded_by_name: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl From<VetoEvent> for VetoView {
    fn from(v: VetoEvent) -> Self {
        Self {
            id: v.id,
            cycle_id: v.cycle_id,
            unit_id: v.unit_id,
            leader_id: v.leader_id,
            leader_name: v.leader_name,
            reason: v.reason,
            document_ref: v.document_ref,
            recorded_by: v.recorded_by,
            recorded_by_name: v.recorded_by_name,
            recorded_at: v.recorded_at,
        }
    }
}

/// A veto event to record, read by the handler's body.
#[derive(Debug, Clone)]
pub struct NewVeto {
    /// The unit, assessed in the cycle.
    pub unit_id: UnitId,
    /// The leader, one of the unit's.
    pub leader_id: Option<LeaderId>,
    /// Why.
    pub reason: String,
    /// The decision's reference.
    pub document_ref: String,
}

/// Records a veto event: the cycle enables the veto (409 `veto_not_enabled`) and is not
/// published; the unit is assessed in it and the leader is the unit's (422).
pub fn create_veto(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    new: NewVeto,
) -> Result<(VetoView, Change), ApiError> {
    let cycle = lock_cycle(conn, cycle_id)?;
    refuse_published(&cycle)?;
    let settings = ResultSettings::find(conn, cycle_id, false)?;
    if !settings.veto_enabled {
        return Err(ApiError::Conflict {
            code: "veto_not_enabled",
            detail: format!("cycle {cycle_id} does not enable the veto (一票否决)"),
        });
    }
    let assessed = CycleUnit::find(conn, cycle_id, new.unit_id)?
        .is_some_and(|p| p.status == CycleUnitStatus::Assessed);
    if !assessed {
        return Err(ApiError::field(
            "unit_id",
            "not_assessed",
            format!("unit {} is not assessed in cycle {cycle_id}", new.unit_id),
        ));
    }
    let leader_name = match new.leader_id {
        None => None,
        Some(id) => match Leader::find(conn, new.unit_id, id).optional()? {
            Some(leader) => Some(leader.name),
            _ => {
                return Err(ApiError::field(
                    "leader_id",
                    "not_of_unit",
                    format!("leader {id} is not one of unit {}'s", new.unit_id),
                ));
            }
        },
    };
    let row = NewVetoEvent {
        cycle_id,
        unit_id: new.unit_id,
        leader_id: new.leader_id,
        leader_name,
        reason: new.reason,
        document_ref: new.document_ref,
        recorded_by: user.sub.clone(),
        recorded_by_name: user.name.clone(),
    }
    .insert(conn)?;
    let view = VetoView::from(row);
    let change = Change::created("veto_event", view.id, &view);
    Ok((view, change))
}

/// The cycle's veto events (404 without the cycle).
pub fn list_vetoes(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit: Option<UnitId>,
) -> Result<Vec<VetoView>, ApiError> {
    find_cycle(conn, cycle_id)?;
    Ok(VetoEvent::list(conn, cycle_id, unit)?
        .into_iter()
        .map(VetoView::from)
        .collect())
}

fn no_veto(id: VetoId) -> ApiError {
    ApiError::not_found(format!("the cycle has no veto event {id}"))
}

/// Veto event `id` of the cycle.
pub fn get_veto(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    id: VetoId,
) -> Result<VetoView, ApiError> {
    find_cycle(conn, cycle_id)?;
    VetoEvent::find(conn, cycle_id, id)?
        .map(VetoView::from)
        .ok_or_else(|| no_veto(id))
}

/// Deletes veto event `id` while the cycle is not published.
pub fn delete_veto(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    id: VetoId,
) -> Result<((), Change), ApiError> {
    let cycle = lock_cycle(conn, cycle_id)?;
    let event = VetoEvent::find(conn, cycle_id, id)?.ok_or_else(|| no_veto(id))?;
    refuse_published(&cycle)?;
    VetoEvent::delete(conn, id)?;
    let change = Change::deleted("veto_event", id, &VetoView::from(event));
    Ok(((), change))
}

/// A vertical unit excluded from the cycle, with its name: 404 for any other unit.
fn vertical_unit(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<String, ApiError> {
    let place = CycleUnit::find(conn, cycle_id, unit_id)?;
    let unit: Option<(String, UnitKind)> = units::table
        .find(unit_id)
        .select((units::name, units::kind))
        .first(conn)
        .optional()?;
    match (place, unit) {
        (Some(p), Some((name, UnitKind::Vertical))) if p.status == CycleUnitStatus::Excluded => {
            Ok(name)
        }
        _ => Err(ApiError::not_found(format!(
            "unit {unit_id} is not a vertical unit of cycle {cycle_id}"
        ))),
    }
}

/// The fallback result of a vertical unit (404 without one).
pub fn get_fallback(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    unit_id: UnitId,
) -> Result<FallbackView, ApiError> {
    find_cycle(conn, cycle_id)?;
    let name = vertical_unit(conn, cycle_id, unit_id)?;
    FallbackResult::find(conn, cycle_id, unit_id, false)?
        .map(|f| fallback_view(f, name))
        .ok_or_else(|| ApiError::not_found(format!("unit {unit_id} has no fallback result")))
}

/// Every fallback result of the cycle.
pub fn list_fallbacks(
    conn: &mut PgConnection,
    cycle_id: CycleId,
) -> Result<Vec<FallbackView>, ApiError> {
    find_cycle(conn, cycle_id)?;
    let rows: Vec<(FallbackResult, String)> = fallback_results::table
        .inner_join(units::table.on(units::id.eq(fallback_results::unit_id)))
        .filter(fallback_results::cycle_id.eq(cycle_id))
        .order(fallback_results::unit_id.asc())
        .select((FallbackResult::as_select(), units::name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(f, n)| fallback_view(f, n)).collect())
}

/// A fallback result as sent, read by the handler's body.
#[derive(Debug, Clone)]
pub struct NewFallback {
    /// The value, out of 100, as sent.
    pub value: String,
    /// Its source.
    pub source: FallbackSource,
    /// The document it comes from.
    pub document_ref: String,
}

/// Sets or replaces a vertical unit's fallback result while the cycle is not published;
/// `check` sees the current version, if any (a replacement needs `If-Match`).
pub fn put_fallback(
    conn: &mut PgConnection,
    user: &AuthUser,
    (cycle_id, unit_id): (CycleId, UnitId),
    new: NewFallback,
    check: impl FnOnce(Option<i32>) -> Result<(), ApiError>,
) -> Result<(FallbackView, bool, Change), ApiError> {
    let cycle = lock_cycle(conn, cycle_id)?;
    let name = vertical_unit(conn, cycle_id, unit_id)?;
    let current = FallbackResult::find(conn, cycle_id, unit_id, true)?;
    check(current.as_ref().map(|c| c.version))?;
    refuse_published(&cycle)?;
    let value = Points::from_str(&new.value)
        .ok()
        .filter(|p| p.0 <= 100)
        .ok_or_else(|| {
            ApiError::field(
                "value",
                "out_of_range",
                "a fallback result is from 0 to 100, with at most two decimals",
            )
        })?;
    let saved = NewFallbackResult {
        cycle_id,
        unit_id,
        value: value.0,
        source: new.source,
        document_ref: new.document_ref,
        updated_by: user.sub.clone(),
    }
    .upsert(conn)?;
    let after = fallback_view(saved, name.clone());
    let id = format!("{cycle_id}/{unit_id}");
    let created = current.is_none();
    let change = match current {
        None => Change::created("fallback_result", id, &after),
        Some(c) => Change::updated("fallback_result", id, &fallback_view(c, name), &after),
    };
    Ok((after, created, change))
}

/// Deletes a vertical unit's fallback result while the cycle is not published.
pub fn delete_fallback(
    conn: &mut PgConnection,
    (cycle_id, unit_id): (CycleId, UnitId),
) -> Result<((), Change), ApiError> {
    let cycle = lock_cycle(conn, cycle_id)?;
    let name = vertical_unit(conn, cycle_id, unit_id)?;
    let current = FallbackResult::find(conn, cycle_id, unit_id, true)?
        .ok_or_else(|| ApiError::not_found(format!("unit {unit_id} has no fallback result")))?;
    refuse_published(&cycle)?;
    FallbackResult::delete(conn, cycle_id, unit_id)?;
    let change = Change::deleted(
        "fallback_result",
        format!("{cycle_id}/{unit_id}"),
        &fallback_view(current, name),
    );
    Ok(((), change))
}
