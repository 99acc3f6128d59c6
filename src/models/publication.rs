//! The publication snapshots (issue 15 item 4): `publications`, one row per publication of a
//! cycle's results (version 1, 2, ... per cycle), and `publication_results`, every unit's result
//! as it was published. Both are append-only (a trigger refuses UPDATE, DELETE and TRUNCATE).
//! Beside them, what the next publication shows: the publication columns of `result_settings`.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::result::{PublicationScope, result_settings_row};
use super::{CycleId, PublicationId, UnitId, UnitKind};
use crate::schema::{publication_results, publications, result_settings};

/// A row of `publications`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = publications, check_for_backend(Pg))]
pub struct Publication {
    pub id: PublicationId,
    pub cycle_id: CycleId,
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub published_by: String,
    pub published_by_name: String,
    pub document_ref: String,
    pub publication_scope: PublicationScope,
    pub units_see_leader_grades: bool,
    pub inspectors_see_ranking: bool,
    pub note: Option<String>,
}

/// A row of `publication_results`: one unit's result as published.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = publication_results, check_for_backend(Pg))]
pub struct PublishedRow {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub unit_kind: UnitKind,
    pub status: String,
    pub special_score: Option<BigDecimal>,
    pub routine_score: Option<BigDecimal>,
    pub total: Option<BigDecimal>,
    pub owes_rectification: Option<bool>,
    pub rank_in_kind: Option<i64>,
    pub rank_overall: Option<i64>,
    pub band: Option<String>,
    pub vetoed: bool,
    pub band_capped: bool,
    pub leader_grades: Option<serde_json::Value>,
    pub fallback: Option<serde_json::Value>,
}

impl Publication {
    /// The cycle's publications, newest first, one page of them, and how many there are.
    pub fn page(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        offset: i64,
        limit: i64,
    ) -> QueryResult<(Vec<Self>, i64)> {
        let total = publications::table
            .filter(publications::cycle_id.eq(cycle_id))
            .count()
            .get_result(conn)?;
        let items = publications::table
            .filter(publications::cycle_id.eq(cycle_id))
            .order(publications::version.desc())
            .offset(offset)
            .limit(limit)
            .select(Publication::as_select())
            .load(conn)?;
        Ok((items, total))
    }

    /// Version `version` of the cycle's publications, if there is one.
    pub fn find(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        version: i32,
    ) -> QueryResult<Option<Self>> {
        publications::table
            .filter(publications::cycle_id.eq(cycle_id))
            .filter(publications::version.eq(version))
            .select(Publication::as_select())
            .first(conn)
            .optional()
    }

    /// The cycle's latest publication, if it was ever published.
    pub fn latest(conn: &mut PgConnection, cycle_id: CycleId) -> QueryResult<Option<Self>> {
        publications::table
            .filter(publications::cycle_id.eq(cycle_id))
            .order(publications::version.desc())
            .select(Publication::as_select())
            .first(conn)
            .optional()
    }

    /// One window of publication `id`'s assessed units (ranked ones by rank, then the
    /// incomplete ones, each by unit id; no fallbacks), those of `kind` and among `only`
    /// where given, and how many there are in all: two statements, an index range for the
    /// window (`publication_results_rank_idx`), whatever the number of units. Without
    /// `with_grades` the rows' `leader_grades` are none (the tables that never show them).
    pub fn units_window(
        conn: &mut PgConnection,
        id: PublicationId,
        kind: Option<UnitKind>,
        only: Option<&[UnitId]>,
        window: Option<(i64, i64)>,
        with_grades: bool,
    ) -> QueryResult<(Vec<PublishedRow>, i64)> {
        let filtered = || {
            let mut query = publication_results::table
                .filter(publication_results::publication_id.eq(id))
                .filter(publication_results::status.ne("fallback"))
                .into_boxed();
            if let Some(kind) = kind {
                query = query.filter(publication_results::unit_kind.eq(kind));
            }
            if let Some(only) = only {
                query = query.filter(publication_results::unit_id.eq_any(only.to_vec()));
            }
            query
        };
        let mut page = filtered().order((
            publication_results::total.desc().nulls_last(),
            publication_results::unit_id.asc(),
        ));
        if let Some((offset, limit)) = window {
            page = page.offset(offset).limit(limit);
        }
        let rows: Vec<PublishedRow> = if with_grades {
            page.select(PublishedRow::as_select()).load(conn)?
        } else {
            // The same columns, the grades left in the database.
            use publication_results as r;
            page.select((
                r::unit_id,
                r::unit_name,
                r::unit_kind,
                r::status,
                r::special_score,
                r::routine_score,
                r::total,
                r::owes_rectification,
                r::rank_in_kind,
                r::rank_overall,
                r::band,
                r::vetoed,
                r::band_capped,
                diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Jsonb>>("NULL"),
                r::fallback,
            ))
            .load(conn)?
        };
        let total = match window {
            Some(_) => filtered().count().get_result(conn)?,
            None => i64::try_from(rows.len()).unwrap_or(i64::MAX),
        };
        Ok((rows, total))
    }

    /// The results of publication `id`: ranked units by rank, then the incomplete ones, then
    /// the vertical units' fallbacks, each by unit id.
    pub fn results(conn: &mut PgConnection, id: PublicationId) -> QueryResult<Vec<PublishedRow>> {
        publication_results::table
            .filter(publication_results::publication_id.eq(id))
            .order((
                publication_results::status.eq("fallback"),
                publication_results::rank_overall.asc().nulls_last(),
                publication_results::unit_id.asc(),
            ))
            .select(PublishedRow::as_select())
            .load(conn)
    }
}

/// What the next publication of a cycle shows: the publication columns of its
/// `result_settings` row, with the row's version (shared with the result settings' `ETag`).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = result_settings, check_for_backend(Pg))]
pub struct PublicationSettings {
    pub cycle_id: CycleId,
    pub publication_scope: PublicationScope,
    pub units_see_leader_grades: bool,
    pub inspectors_see_ranking: bool,
    pub document_ref: Option<String>,
    pub rectification_days: i32,
    pub version: i32,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// The values a change of the publication settings writes.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = result_settings, treat_none_as_null = true)]
pub struct PublicationSettingsChange {
    pub publication_scope: PublicationScope,
    pub units_see_leader_grades: bool,
    pub inspectors_see_ranking: bool,
    pub document_ref: Option<String>,
    pub rectification_days: i32,
    pub updated_by: String,
}

result_settings_row!(PublicationSettings, PublicationSettingsChange);
