//! The `units` table: every body the county registers, assessed or not (plan §1).

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::UnitId;
use crate::schema::units;

crate::text_enum! {
    /// 单位类型 (what kind of body a unit is; decides its scoring form and whether it is
    /// assessed at all).
    pub enum UnitKind {
        /// 乡镇 (a town or township; form 2)
        Town => "town",
        /// 县直单位 (a county department; form 1)
        CountyDepartment => "county_department",
        /// 县属公司企业 (a county-owned enterprise; form 1 unless the office assigns another)
        CountyEnterprise => "county_enterprise",
        /// 省、市驻阳垂直管理单位 (a vertically managed unit, not assessed; plan §1)
        Vertical => "vertical",
    }
}

impl UnitKind {
    /// How many first responsible persons a unit of this kind has: a town its Party secretary
    /// and its head, every other kind one (plan §6(二)).
    pub fn first_responsible_limit(self) -> i64 {
        match self {
            UnitKind::Town => 2,
            _ => 1,
        }
    }
}

/// A row of `units`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = units, check_for_backend(Pg))]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    pub kind: UnitKind,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Values for a new unit.
#[derive(Debug, Insertable)]
#[diesel(table_name = units)]
pub struct NewUnit {
    pub name: String,
    pub kind: UnitKind,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
}

/// Changes to a unit; `None` leaves a column as it is, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = units)]
pub struct UnitChangeset {
    pub name: Option<String>,
    pub kind: Option<UnitKind>,
    pub contact_person: Option<Option<String>>,
    pub contact_phone: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub email: Option<Option<String>>,
}

/// Which units a list returns, in which order, and which page.
#[derive(Debug, Clone, Default)]
pub struct UnitListQuery {
    /// Only units of this kind.
    pub kind: Option<UnitKind>,
    /// Name contains this (case-insensitive).
    pub name_contains: Option<String>,
    /// `Some(false)`: active only; `Some(true)`: archived only; `None`: both.
    pub archived: Option<bool>,
    /// Restrict to these ids (the caller's scope); `None` means no restriction.
    pub only_ids: Option<Vec<UnitId>>,
    /// Sort column.
    pub sort: UnitSort,
    /// Descending instead of ascending.
    pub descending: bool,
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return.
    pub limit: i64,
}

crate::text_enum! {
    /// 单位列表排序字段 (columns a unit list can be sorted by; ties are always broken by id).
    pub enum UnitSort {
        /// 按编号 (by id: registration order; the default)
        Id => "id",
        /// 按名称 (by name)
        Name => "name",
        /// 按单位类型 (by kind, then id)
        Kind => "kind",
        /// 按最近修改时间 (by last change)
        UpdatedAt => "updated_at",
    }
}

#[expect(
    clippy::derivable_impls,
    reason = "text_enum! declares the enum, and its variants carry only doc comments"
)]
impl Default for UnitSort {
    fn default() -> Self {
        Self::Id
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub fn like_pattern(needle: &str) -> String {
    let escaped = needle
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Unit {
    /// The unit with this id, archived or not.
    pub fn find(conn: &mut PgConnection, id: UnitId) -> QueryResult<Unit> {
        units::table.find(id).select(Unit::as_select()).first(conn)
    }

    /// The unit with this id, locked for update until the transaction ends.
    pub fn find_for_update(conn: &mut PgConnection, id: UnitId) -> QueryResult<Unit> {
        units::table
            .find(id)
            .select(Unit::as_select())
            .for_update()
            .first(conn)
    }

    /// One page of units and the total count matching the filters.
    pub fn list(conn: &mut PgConnection, q: &UnitListQuery) -> QueryResult<(Vec<Unit>, i64)> {
        let filtered = || {
            let mut query = units::table.into_boxed();
            if let Some(kind) = q.kind {
                query = query.filter(units::kind.eq(kind));
            }
            if let Some(needle) = &q.name_contains {
                query = query.filter(units::name.ilike(like_pattern(needle)));
            }
            match q.archived {
                Some(true) => query = query.filter(units::archived_at.is_not_null()),
                Some(false) => query = query.filter(units::archived_at.is_null()),
                None => {}
            }
            if let Some(ids) = &q.only_ids {
                query = query.filter(units::id.eq_any(ids.clone()));
            }
            query
        };
        let total = filtered().count().get_result(conn)?;
        let mut query = filtered();
        query = match (q.sort, q.descending) {
            (UnitSort::Id, false) => query.order(units::id.asc()),
            (UnitSort::Id, true) => query.order(units::id.desc()),
            (UnitSort::Name, false) => query.order((units::name.asc(), units::id.asc())),
            (UnitSort::Name, true) => query.order((units::name.desc(), units::id.desc())),
            (UnitSort::Kind, false) => query.order((units::kind.asc(), units::id.asc())),
            (UnitSort::Kind, true) => query.order((units::kind.desc(), units::id.desc())),
            (UnitSort::UpdatedAt, false) => query.order((units::updated_at.asc(), units::id.asc())),
            (UnitSort::UpdatedAt, true) => {
                query.order((units::updated_at.desc(), units::id.desc()))
            }
        };
        let rows = query
            .offset(q.offset)
            .limit(q.limit)
            .select(Unit::as_select())
            .load(conn)?;
        Ok((rows, total))
    }

    /// Applies `changes` if the unit is still at `expected_version`; `None` when it is not.
    pub fn update_if_version(
        conn: &mut PgConnection,
        id: UnitId,
        expected_version: i32,
        changes: &UnitChangeset,
    ) -> QueryResult<Option<Unit>> {
        diesel::update(
            units::table
                .find(id)
                .filter(units::version.eq(expected_version)),
        )
        .set((
            changes,
            units::version.eq(units::version + 1),
            units::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Unit::as_returning())
        .get_result(conn)
        .optional()
    }

    /// Marks the unit archived (or active again), bumping its version.
    pub fn set_archived(conn: &mut PgConnection, id: UnitId, archived: bool) -> QueryResult<Unit> {
        let archived_at: Option<DateTime<Utc>> = archived.then(Utc::now);
        diesel::update(units::table.find(id))
            .set((
                units::archived_at.eq(archived_at),
                units::version.eq(units::version + 1),
                units::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Unit::as_returning())
            .get_result(conn)
    }

    /// Deletes the unit; a foreign key from assessment data makes this fail (mapped to 409).
    pub fn delete(conn: &mut PgConnection, id: UnitId) -> QueryResult<usize> {
        diesel::delete(units::table.find(id)).execute(conn)
    }
}

impl NewUnit {
    /// Inserts the unit.
    pub fn insert(&self, conn: &mut PgConnection) -> QueryResult<Unit> {
        diesel::insert_into(units::table)
            .values(self)
            .returning(Unit::as_returning())
            .get_result(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(like_pattern("阳城"), "%阳城%");
    }

    #[test]
    fn towns_have_two_first_responsible_persons() {
        assert_eq!(UnitKind::Town.first_responsible_limit(), 2);
        assert_eq!(UnitKind::CountyDepartment.first_responsible_limit(), 1);
        assert_eq!(
            "county_enterprise".parse::<UnitKind>(),
            Ok(UnitKind::CountyEnterprise)
        );
    }
}
