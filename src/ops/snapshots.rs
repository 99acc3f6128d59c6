//! Publication snapshots and versions (issue 15 item 4). Each `review → published` transition
//! stores every result as `ops::results::compute` computes it at that moment (scores, ranks,
//! names, bands, grades, and the vertical units' fallbacks) as version 1, 2, ... of the cycle's
//! publications, with the publication settings as they were; a republication after the office
//! reopened the cycle is a new version, and earlier versions stay readable. [`take`] runs a fixed
//! number of statements whatever the county's size (one bulk INSERT for the rows).
//!
//! Beside them, the publication settings (`GET`/`PUT …/publication`): the scope, whether units
//! see their leaders' grades, whether inspectors see the whole ranking, and the notice's 文号,
//! which publication needs (`ops::publication::missing`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::audit::Change;
use crate::auth::{AuthUser, Role, scope};
use crate::domain::evaluation::Grade;
use crate::domain::lifecycle::CycleState;
use crate::domain::points::Points;
use crate::error::{ApiError, FieldError};
use crate::models::cycle::Transition;
use crate::models::cycle_unit::FallbackSource;
use crate::models::publication::{
    Publication, PublicationSettings, PublicationSettingsChange, PublishedRow,
};
use crate::models::result::PublicationScope;
use crate::models::{CycleId, LeaderId, UnitId, UnitKind};
use crate::ops::cycles::{find_cycle, lock_cycle, refuse_published};
use crate::ops::results::{
    FallbackInfo, LeaderGradeResult, MissingPiece, ResultFilter, ResultStatus, UnitResult, compute,
};
use crate::schema::{publications, units};

/// 结果通报版本 (one publication of a cycle's results).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicationView {
    /// The cycle.
    pub cycle_id: CycleId,
    /// 版本号: 1 for the first publication, then one more for each republication.
    #[schema(example = 1)]
    pub version: i32,
    /// When it was published (the transition's time).
    pub published_at: DateTime<Utc>,
    /// Who published it (`sub`).
    #[schema(example = "office-admin")]
    pub published_by: String,
    /// Their name.
    #[schema(example = "县纪委办公室")]
    pub published_by_name: String,
    /// 通报文号: the publication notice's reference.
    #[schema(example = "阳纪通〔2014〕3号")]
    pub document_ref: String,
    /// What a unit saw besides its own result.
    pub publication_scope: PublicationScope,
    /// Whether units saw their own leaders' grades.
    pub units_see_leader_grades: bool,
    /// Whether inspectors saw the whole ranking.
    pub inspectors_see_ranking: bool,
    /// The transition's note (why it was published again).
    pub note: Option<String>,
}

impl From<Publication> for PublicationView {
    fn from(p: Publication) -> Self {
        Self {
            cycle_id: p.cycle_id,
            version: p.version,
            published_at: p.published_at,
            published_by: p.published_by,
            published_by_name: p.published_by_name,
            document_ref: p.document_ref,
            publication_scope: p.publication_scope,
            units_see_leader_grades: p.units_see_leader_grades,
            inspectors_see_ranking: p.inspectors_see_ranking,
            note: p.note,
        }
    }
}

/// The one bulk INSERT of a snapshot: every unit's result, as JSON, into its columns.
const INSERT_ROWS: &str = "
INSERT INTO publication_results (publication_id, unit_id, unit_name, unit_kind, status,
    special_score, routine_score, total, owes_rectification, rank_in_kind, rank_overall, band,
    vetoed, band_capped, leader_grades, fallback)
SELECT $1, r.unit_id, r.unit_name, r.unit_kind, r.status, r.special_score, r.routine_score,
       r.total, r.owes_rectification, r.rank_in_kind, r.rank_overall, r.band, r.vetoed,
       r.band_capped, r.leader_grades, r.fallback
  FROM jsonb_to_recordset($2) AS r(unit_id bigint, unit_name text, unit_kind text, status text,
       special_score numeric, routine_score numeric, total numeric,
       owes_rectification boolean, rank_in_kind bigint, rank_overall bigint, band text,
       vetoed boolean, band_capped boolean, leader_grades jsonb, fallback jsonb)";

/// Stores the cycle's results as its next publication version and returns the version: called
/// by `ops::cycles::advance` for a `published` transition (under the cycle's lock, after the
/// guard), with who published, when and the transition's note. Ten statements whatever the
/// county's size: the settings, `compute`'s six, the publication row, one INSERT of the rows.
pub fn take(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    (actor_sub, actor_name): (&str, &str),
    at: DateTime<Utc>,
    note: Option<&str>,
) -> Result<i32, ApiError> {
    let settings = PublicationSettings::find(conn, cycle_id, false)?;
    let document_ref = settings
        .document_ref
        .ok_or_else(|| ApiError::internal("publication without a document reference"))?;
    let results = compute(conn, cycle_id, &ResultFilter::default())?;
    let next: i32 = publications::table
        .filter(publications::cycle_id.eq(cycle_id))
        .select(diesel::dsl::max(publications::version))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0)
        + 1;
    let publication: Publication = diesel::insert_into(publications::table)
        .values((
            publications::cycle_id.eq(cycle_id),
            publications::version.eq(next),
            publications::published_at.eq(at),
            publications::published_by.eq(actor_sub),
            publications::published_by_name.eq(actor_name),
            publications::document_ref.eq(document_ref),
            publications::publication_scope.eq(settings.publication_scope),
            publications::units_see_leader_grades.eq(settings.units_see_leader_grades),
            publications::inspectors_see_ranking.eq(settings.inspectors_see_ranking),
            publications::note.eq(note),
        ))
        .returning(Publication::as_returning())
        .get_result(conn)?;
    let rows: Vec<UnitResult> = results
        .units
        .into_iter()
        .chain(results.fallbacks.into_iter().map(UnitResult::from))
        .collect();
    let rows = serde_json::to_value(&rows).map_err(ApiError::internal)?;
    diesel::sql_query(INSERT_ROWS)
        .bind::<BigInt, _>(publication.id.0)
        .bind::<Jsonb, _>(rows)
        .execute(conn)?;
    Ok(publication.version)
}

/// The snapshot of a `published` transition (`ops::cycles::advance` calls it for every
/// transition): the new version, or none for any other step.
pub fn on_transition(conn: &mut PgConnection, t: &Transition) -> Result<Option<i32>, ApiError> {
    if t.to_state != CycleState::Published {
        return Ok(None);
    }
    let by = (t.actor_sub.as_str(), t.actor_name.as_str());
    take(conn, t.cycle_id, by, t.occurred_at, t.note.as_deref()).map(Some)
}

/// A leader's grade as stored in a snapshot.
#[derive(Deserialize)]
struct StoredGrade {
    leader_id: LeaderId,
    leader_name: String,
    grade: Grade,
}

/// A fallback as stored in a snapshot.
#[derive(Deserialize)]
struct StoredFallback {
    source: FallbackSource,
    document_ref: String,
}

/// A stored row as the result it was.
pub(crate) fn unit_result(row: PublishedRow) -> Result<UnitResult, ApiError> {
    let status: ResultStatus = row.status.parse().map_err(ApiError::internal)?;
    // What an incomplete unit lacked follows from its scores, as `compute` decides it.
    let mut missing = Vec::new();
    if status == ResultStatus::Incomplete {
        if row.special_score.is_none() {
            missing.push(MissingPiece::SheetNotFinal);
        }
        if row.routine_score.is_none() {
            missing.push(MissingPiece::RoutineScoreMissing);
        }
    }
    let leader_grades = match row.leader_grades {
        Some(Value::Null) | None => None,
        Some(value) => {
            let stored: Vec<StoredGrade> =
                serde_json::from_value(value).map_err(ApiError::internal)?;
            Some(
                stored
                    .into_iter()
                    .map(|g| LeaderGradeResult {
                        leader_id: g.leader_id,
                        leader_name: g.leader_name,
                        grade: g.grade,
                    })
                    .collect(),
            )
        }
    };
    let fallback = match row.fallback {
        Some(Value::Null) | None => None,
        Some(value) => {
            let stored: StoredFallback =
                serde_json::from_value(value).map_err(ApiError::internal)?;
            Some(FallbackInfo {
                source: stored.source,
                document_ref: stored.document_ref,
            })
        }
    };
    Ok(UnitResult {
        unit_id: row.unit_id,
        unit_name: row.unit_name,
        unit_kind: row.unit_kind,
        status,
        missing,
        special_score: row.special_score.map(Points),
        routine_score: row.routine_score.map(Points),
        total: row.total.map(Points),
        owes_rectification: row.owes_rectification,
        rank_in_kind: row.rank_in_kind,
        rank_overall: row.rank_overall,
        band: row.band,
        vetoed: row.vetoed,
        band_capped: row.band_capped,
        leader_grades,
        fallback,
    })
}

fn no_version(cycle_id: CycleId, version: i64) -> ApiError {
    ApiError::not_found(format!(
        "cycle {cycle_id} has no publication version {version} in the caller's scope"
    ))
}

/// Version `version` of the cycle's publications (404 without the cycle or the version).
fn find_version(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    version: i64,
) -> Result<Publication, ApiError> {
    find_cycle(conn, cycle_id)?;
    let Ok(number) = i32::try_from(version) else {
        return Err(no_version(cycle_id, version));
    };
    Publication::find(conn, cycle_id, number)?.ok_or_else(|| no_version(cycle_id, version))
}

/// The cycle's publications, newest first, one page (every role may list them, as it lists
/// the cycle's transitions); 404 without the cycle.
pub fn list(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    offset: i64,
    limit: i64,
) -> Result<(Vec<PublicationView>, i64), ApiError> {
    find_cycle(conn, cycle_id)?;
    let (items, total) = Publication::page(conn, cycle_id, offset, limit)?;
    Ok((
        items.into_iter().map(PublicationView::from).collect(),
        total,
    ))
}

/// The results of one version that the caller may see, as that version's settings granted
/// them: the office all; a unit its own row, plus the ranking of its kind or the whole ranking
/// where the scope granted it (another vertical unit's fallback only with the whole ranking);
/// an inspector their teams' units in the cycle, or every unit where `inspectors_see_ranking`
/// was on. Leader grades: the office all, an inspector their teams' units', a unit its own where
/// the version granted it. 404 when the caller sees nothing of it.
pub fn read(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    version: i64,
    kind: Option<UnitKind>,
) -> Result<Vec<UnitResult>, ApiError> {
    let publication = find_version(conn, cycle_id, version)?;
    let rows = Publication::results(conn, publication.id)?;
    let mut results = rows
        .into_iter()
        .map(unit_result)
        .collect::<Result<Vec<_>, _>>()?;
    match user.role {
        Role::Office => {}
        Role::Unit => {
            let own = user.unit_id;
            let own_kind: Option<UnitKind> = match own {
                Some(id) => units::table
                    .find(id)
                    .select(units::kind)
                    .first(conn)
                    .optional()?,
                None => None,
            };
            let scope = publication.publication_scope;
            results.retain(|r| {
                Some(r.unit_id) == own
                    || scope == PublicationScope::All
                    || (scope == PublicationScope::Kind
                        && r.status != ResultStatus::Fallback
                        && Some(r.unit_kind) == own_kind)
            });
            for r in &mut results {
                if Some(r.unit_id) != own || !publication.units_see_leader_grades {
                    r.leader_grades = None;
                }
            }
        }
        Role::Inspector => {
            let teams: BTreeSet<UnitId> = scope::inspected_in_cycle(conn, &user.sub, cycle_id)?
                .into_iter()
                .collect();
            if !publication.inspectors_see_ranking {
                results.retain(|r| teams.contains(&r.unit_id));
            }
            for r in &mut results {
                if !teams.contains(&r.unit_id) {
                    r.leader_grades = None;
                }
            }
        }
    }
    if user.role != Role::Office && results.is_empty() {
        return Err(no_version(cycle_id, version));
    }
    if let Some(kind) = kind {
        results.retain(|r| r.unit_kind == kind);
    }
    Ok(results)
}

crate::text_enum! {
    /// 两个版本之间单位结果的变化 (how a unit's result changed between two versions).
    pub enum ChangeKind {
        /// 新增（旧版本中没有该单位） (added: the older version did not list the unit)
        Added => "added",
        /// 移除（新版本中没有该单位） (removed: the newer version does not list it)
        Removed => "removed",
        /// 有字段变化 (changed: some of its fields differ)
        Changed => "changed",
    }
}

/// One field of a unit's result that differs between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldChange {
    /// The field, as in the results (`routine_score`, `total`, `rank_overall`, ...).
    #[schema(example = "routine_score")]
    pub field: String,
    /// Its value in the older version (null when absent there).
    #[schema(value_type = Value, example = "9.50")]
    pub old: Value,
    /// Its value in the newer version (null when absent there).
    #[schema(value_type = Value, example = "9.00")]
    pub new: Value,
}

/// How one unit's result changed between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UnitChange {
    /// The unit.
    pub unit_id: UnitId,
    /// Its name in the newer version (the older one's when removed).
    #[schema(example = "阳城镇")]
    pub unit_name: String,
    /// `added`, `removed` or `changed`.
    pub change: ChangeKind,
    /// The fields that differ, in the order of the results' fields.
    pub fields: Vec<FieldChange>,
}

/// A result as a JSON object, field by field.
fn fields_of(result: &UnitResult) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::to_value(result).map_err(ApiError::internal)? {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::internal("a result is an object")),
    }
}

/// The fields that differ between two results of one unit (either may be absent).
fn diff(old: Option<&UnitResult>, new: Option<&UnitResult>) -> Result<Vec<FieldChange>, ApiError> {
    let old = old.map(fields_of).transpose()?.unwrap_or_default();
    let new = new.map(fields_of).transpose()?.unwrap_or_default();
    let names: Vec<&String> = new
        .keys()
        .chain(old.keys().filter(|k| !new.contains_key(*k)))
        .filter(|k| k.as_str() != "unit_id")
        .collect();
    Ok(names
        .into_iter()
        .filter_map(|name| {
            let (o, n) = (
                old.get(name).cloned().unwrap_or(Value::Null),
                new.get(name).cloned().unwrap_or(Value::Null),
            );
            (o != n).then(|| FieldChange {
                field: name.clone(),
                old: o,
                new: n,
            })
        })
        .collect())
}

/// What changed from version `against` (default: the one before) to version `version`, unit
/// by unit: the units added, removed, or with fields that differ. `against` 0 compares with
/// nothing published (every unit added). The office's: both versions whole. 422 naming
/// `against` unless it is below `version`.
pub fn changes(
    conn: &mut PgConnection,
    cycle_id: CycleId,
    version: i64,
    against: Option<i64>,
) -> Result<Vec<UnitChange>, ApiError> {
    let newer = find_version(conn, cycle_id, version)?;
    let against = against.unwrap_or(version - 1);
    if against < 0 || against >= version {
        return Err(ApiError::Validation(vec![FieldError::new(
            "against",
            "out_of_range",
            format!("`against` must be a version from 0 to {}", version - 1),
        )]));
    }
    let load = |conn: &mut PgConnection, p: &Publication| -> Result<_, ApiError> {
        Publication::results(conn, p.id)?
            .into_iter()
            .map(|row| unit_result(row).map(|r| (r.unit_id, r)))
            .collect::<Result<BTreeMap<UnitId, UnitResult>, ApiError>>()
    };
    let new = load(conn, &newer)?;
    let old = if against == 0 {
        BTreeMap::new()
    } else {
        let older = find_version(conn, cycle_id, against)?;
        load(conn, &older)?
    };
    let ids: BTreeSet<UnitId> = new.keys().chain(old.keys()).copied().collect();
    let mut found = Vec::new();
    for id in ids {
        let (o, n) = (old.get(&id), new.get(&id));
        let fields = diff(o, n)?;
        let (change, name) = match (o, n) {
            (None, Some(n)) => (ChangeKind::Added, n.unit_name.clone()),
            (Some(o), None) => (ChangeKind::Removed, o.unit_name.clone()),
            (_, Some(n)) if !fields.is_empty() => (ChangeKind::Changed, n.unit_name.clone()),
            _ => continue,
        };
        found.push(UnitChange {
            unit_id: id,
            unit_name: name,
            change,
            fields,
        });
    }
    Ok(found)
}

/// 结果通报设置 (what the cycle's next publication shows, and its notice).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicationSettingsView {
    /// The cycle.
    pub cycle_id: CycleId,
    /// What a unit sees besides its own result: `own`, `kind` (the ranking of its kind) or
    /// `all` (the whole ranking).
    pub publication_scope: PublicationScope,
    /// Whether a unit sees its own leaders' grades (personnel data: off by default).
    pub units_see_leader_grades: bool,
    /// Whether inspectors see the whole ranking, not only their teams' units (off by default).
    pub inspectors_see_ranking: bool,
    /// 通报文号: the publication notice's reference; publication needs it.
    #[schema(example = "阳纪通〔2014〕3号")]
    pub document_ref: Option<String>,
    /// 整改期限（天）: a unit that owes a rectification has this many days from the
    /// publication in which it first owes one, to the end of that day (Asia/Shanghai).
    #[schema(example = 30)]
    pub rectification_days: i32,
    /// The version (the `ETag`), shared with the result settings (one row holds both).
    pub version: i32,
    /// Who changed them last.
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
}

impl From<PublicationSettings> for PublicationSettingsView {
    fn from(s: PublicationSettings) -> Self {
        Self {
            cycle_id: s.cycle_id,
            publication_scope: s.publication_scope,
            units_see_leader_grades: s.units_see_leader_grades,
            inspectors_see_ranking: s.inspectors_see_ranking,
            document_ref: s.document_ref,
            rectification_days: s.rectification_days,
            version: s.version,
            updated_by: s.updated_by,
            updated_at: s.updated_at,
        }
    }
}

/// The cycle's publication settings (404 without the cycle).
pub fn settings(
    conn: &mut PgConnection,
    cycle_id: CycleId,
) -> Result<PublicationSettingsView, ApiError> {
    find_cycle(conn, cycle_id)?;
    Ok(PublicationSettings::find(conn, cycle_id, false)?.into())
}

/// New publication settings, read and checked by the handler's body.
#[derive(Debug, Clone)]
pub struct NewPublicationSettings {
    /// What a unit sees besides its own result.
    pub publication_scope: PublicationScope,
    /// Whether units see their own leaders' grades.
    pub units_see_leader_grades: bool,
    /// Whether inspectors see the whole ranking.
    pub inspectors_see_ranking: bool,
    /// The notice's reference.
    pub document_ref: Option<String>,
    /// The days a rectification is due after the publication in which a unit first owes it.
    pub rectification_days: i32,
}

/// Replaces the publication settings under `check` (the `If-Match` of their version), while
/// the cycle is in review: 409 `cycle_published` once published, `cycle_not_in_review` before.
pub fn put_settings(
    conn: &mut PgConnection,
    user: &AuthUser,
    cycle_id: CycleId,
    new: NewPublicationSettings,
    check: impl FnOnce(i32) -> Result<(), ApiError>,
) -> Result<(PublicationSettingsView, Change), ApiError> {
    let cycle = lock_cycle(conn, cycle_id)?;
    let current = PublicationSettings::find(conn, cycle_id, true)?;
    check(current.version)?;
    refuse_published(&cycle)?;
    if cycle.state != CycleState::Review {
        return Err(ApiError::Conflict {
            code: "cycle_not_in_review",
            detail: format!(
                "the publication is set while the cycle is in review; cycle {cycle_id} is in {}",
                cycle.state
            ),
        });
    }
    let before = PublicationSettingsView::from(current);
    let saved = PublicationSettings::update(
        conn,
        cycle_id,
        &PublicationSettingsChange {
            publication_scope: new.publication_scope,
            units_see_leader_grades: new.units_see_leader_grades,
            inspectors_see_ranking: new.inspectors_see_ranking,
            document_ref: new.document_ref,
            rectification_days: new.rectification_days,
            updated_by: user.sub.clone(),
        },
    )?;
    let after = PublicationSettingsView::from(saved);
    let change = Change::updated("publication", cycle_id, &before, &after);
    Ok((after, change))
}
