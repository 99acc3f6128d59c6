//! The `leaders` table: members of a unit's leadership team (班子成员).

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::{LeaderId, UnitId};
use crate::schema::leaders;

/// A row of `leaders`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = leaders, check_for_backend(Pg))]
pub struct Leader {
    pub id: LeaderId,
    pub unit_id: UnitId,
    pub name: String,
    pub position: String,
    pub is_first_responsible: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Values for a new leader.
#[derive(Debug, Insertable)]
#[diesel(table_name = leaders)]
pub struct NewLeader {
    pub unit_id: UnitId,
    pub name: String,
    pub position: String,
    pub is_first_responsible: bool,
}

/// Changes to a leader; `None` leaves a column as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = leaders)]
pub struct LeaderChangeset {
    pub name: Option<String>,
    pub position: Option<String>,
    pub is_first_responsible: Option<bool>,
}

impl Leader {
    /// The leader `id` of unit `unit_id`; another unit's leader is not found.
    pub fn find(conn: &mut PgConnection, unit_id: UnitId, id: LeaderId) -> QueryResult<Leader> {
        leaders::table
            .filter(leaders::unit_id.eq(unit_id))
            .find(id)
            .select(Leader::as_select())
            .first(conn)
    }

    /// Every leader of a unit, first responsible persons first, then in registration order.
    pub fn for_unit(conn: &mut PgConnection, unit_id: UnitId) -> QueryResult<Vec<Leader>> {
        leaders::table
            .filter(leaders::unit_id.eq(unit_id))
            .order((leaders::is_first_responsible.desc(), leaders::id.asc()))
            .select(Leader::as_select())
            .load(conn)
    }

    /// How many first responsible persons the unit has, not counting `except`.
    pub fn count_first_responsible(
        conn: &mut PgConnection,
        unit_id: UnitId,
        except: Option<LeaderId>,
    ) -> QueryResult<i64> {
        let mut query = leaders::table
            .filter(leaders::unit_id.eq(unit_id))
            .filter(leaders::is_first_responsible.eq(true))
            .into_boxed();
        if let Some(except) = except {
            query = query.filter(leaders::id.ne(except));
        }
        query.count().get_result(conn)
    }

    /// Applies `changes` if the leader is still at `expected_version`; `None` when it is not.
    pub fn update_if_version(
        conn: &mut PgConnection,
        id: LeaderId,
        expected_version: i32,
        changes: &LeaderChangeset,
    ) -> QueryResult<Option<Leader>> {
        diesel::update(
            leaders::table
                .find(id)
                .filter(leaders::version.eq(expected_version)),
        )
        .set((
            changes,
            leaders::version.eq(leaders::version + 1),
            leaders::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Leader::as_returning())
        .get_result(conn)
        .optional()
    }

    /// Removes the leader.
    pub fn delete(conn: &mut PgConnection, id: LeaderId) -> QueryResult<usize> {
        diesel::delete(leaders::table.find(id)).execute(conn)
    }
}

impl NewLeader {
    /// Inserts the leader.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<Leader> {
        diesel::insert_into(leaders::table)
            .values(self)
            .returning(Leader::as_returning())
            .get_result(conn)
    }
}
