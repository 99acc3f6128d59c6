//! The `scoring_forms` and `form_items` tables.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::Serialize;

use super::{CycleId, UnitKind};
use crate::domain::forms::{DeductionRule, FormItem};
use crate::domain::points::Points;
use crate::schema::{form_items, scoring_forms};

crate::text_enum! {
    /// 考评表类型 (which units a form serves).
    pub enum FormKind {
        /// 乡镇考评表 (form 2: towns)
        Town => "town",
        /// 县直单位考评表 (form 1: county departments, and county enterprises without a form of their own)
        CountyDepartment => "county_department",
        /// 县属公司企业考评表 (an optional form for county enterprises, when the office assigns one)
        CountyEnterprise => "county_enterprise",
    }
}

impl FormKind {
    /// The form a unit of `kind` is scored on, given the forms the cycle has; `None` for
    /// vertical units, which are not assessed.
    pub fn for_unit(kind: UnitKind, available: &[FormKind]) -> Option<FormKind> {
        match kind {
            UnitKind::Town => Some(FormKind::Town),
            UnitKind::CountyDepartment => Some(FormKind::CountyDepartment),
            UnitKind::CountyEnterprise if available.contains(&FormKind::CountyEnterprise) => {
                Some(FormKind::CountyEnterprise)
            }
            UnitKind::CountyEnterprise => Some(FormKind::CountyDepartment),
            UnitKind::Vertical => None,
        }
    }
}

/// A row of `scoring_forms`.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = scoring_forms, check_for_backend(Pg))]
pub struct ScoringForm {
    pub id: i64,
    pub cycle_id: CycleId,
    pub form_kind: FormKind,
    pub title: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A row of `form_items`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = form_items, check_for_backend(Pg))]
pub struct FormItemRow {
    pub id: i64,
    pub form_id: i64,
    pub position: i32,
    pub code: String,
    pub title: String,
    pub content_area: i16,
    pub max_points: BigDecimal,
    pub rules: serde_json::Value,
}

impl FormItemRow {
    /// The item as the domain type.
    pub fn to_item(&self) -> FormItem {
        FormItem {
            code: self.code.clone(),
            content_area: self.content_area,
            title: self.title.clone(),
            max_points: Points(self.max_points.clone()),
            rules: serde_json::from_value::<Vec<DeductionRule>>(self.rules.clone())
                .unwrap_or_default(),
        }
    }
}

/// A form with its items, in order.
#[derive(Debug, Clone)]
pub struct FullForm {
    /// The form.
    pub form: ScoringForm,
    /// Its items.
    pub items: Vec<FormItemRow>,
}

impl ScoringForm {
    /// Every form of a cycle with its items: two queries, whatever the number of forms.
    pub fn for_cycle(conn: &mut PgConnection, cycle_id: CycleId) -> QueryResult<Vec<FullForm>> {
        let forms: Vec<ScoringForm> = scoring_forms::table
            .filter(scoring_forms::cycle_id.eq(cycle_id))
            .order(scoring_forms::form_kind.asc())
            .select(ScoringForm::as_select())
            .load(conn)?;
        let ids: Vec<i64> = forms.iter().map(|f| f.id).collect();
        let items: Vec<FormItemRow> = form_items::table
            .filter(form_items::form_id.eq_any(ids))
            .order((form_items::form_id.asc(), form_items::position.asc()))
            .select(FormItemRow::as_select())
            .load(conn)?;
        Ok(forms
            .into_iter()
            .map(|form| {
                let items = items
                    .iter()
                    .filter(|i| i.form_id == form.id)
                    .cloned()
                    .collect();
                FullForm { form, items }
            })
            .collect())
    }

    /// The items of the cycle's form of `kind`, in order (empty when it has none), in one
    /// statement.
    pub fn items_of(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        kind: FormKind,
    ) -> QueryResult<Vec<FormItemRow>> {
        form_items::table
            .inner_join(scoring_forms::table)
            .filter(scoring_forms::cycle_id.eq(cycle_id))
            .filter(scoring_forms::form_kind.eq(kind))
            .order(form_items::position.asc())
            .select(FormItemRow::as_select())
            .load(conn)
    }

    /// The kinds of form a cycle has.
    pub fn kinds(conn: &mut PgConnection, cycle_id: CycleId) -> QueryResult<Vec<FormKind>> {
        scoring_forms::table
            .filter(scoring_forms::cycle_id.eq(cycle_id))
            .select(scoring_forms::form_kind)
            .load(conn)
    }

    /// Replaces (or creates) the form of `kind` in a cycle with these items; returns it whole.
    pub fn replace(
        conn: &mut PgConnection,
        cycle_id: CycleId,
        kind: FormKind,
        title: &str,
        items: &[FormItem],
    ) -> QueryResult<FullForm> {
        let existing: Option<ScoringForm> = scoring_forms::table
            .filter(scoring_forms::cycle_id.eq(cycle_id))
            .filter(scoring_forms::form_kind.eq(kind))
            .select(ScoringForm::as_select())
            .first(conn)
            .optional()?;
        let form = match existing {
            Some(form) => {
                diesel::delete(form_items::table.filter(form_items::form_id.eq(form.id)))
                    .execute(conn)?;
                diesel::update(scoring_forms::table.find(form.id))
                    .set((
                        scoring_forms::title.eq(title),
                        scoring_forms::version.eq(scoring_forms::version + 1),
                        scoring_forms::updated_at.eq(diesel::dsl::now),
                    ))
                    .returning(ScoringForm::as_returning())
                    .get_result(conn)?
            }
            None => diesel::insert_into(scoring_forms::table)
                .values((
                    scoring_forms::cycle_id.eq(cycle_id),
                    scoring_forms::form_kind.eq(kind),
                    scoring_forms::title.eq(title),
                ))
                .returning(ScoringForm::as_returning())
                .get_result(conn)?,
        };
        let rows: Vec<_> = items
            .iter()
            .enumerate()
            .map(|(position, item)| {
                (
                    form_items::form_id.eq(form.id),
                    form_items::position.eq(position as i32 + 1),
                    form_items::code.eq(item.code.trim().to_owned()),
                    form_items::title.eq(item.title.trim().to_owned()),
                    form_items::content_area.eq(item.content_area),
                    form_items::max_points.eq(item.max_points.0.clone()),
                    form_items::rules.eq(serde_json::to_value(&item.rules).unwrap_or_default()),
                )
            })
            .collect();
        let items = diesel::insert_into(form_items::table)
            .values(rows)
            .returning(FormItemRow::as_returning())
            .get_results(conn)?;
        Ok(FullForm { form, items })
    }
}
