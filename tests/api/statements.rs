//! How many SQL statements a read runs (issue 18), counted on the connection the read is
//! given: whatever the county's or the form's size, the number stays the same.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::connection::InstrumentationEvent;
use diesel::prelude::*;
use lianzheng::auth::{AuthUser, Role};
use lianzheng::models::scoring::ScoringRecord;
use lianzheng::models::{CycleId, UnitId};
use lianzheng::ops::signed;

use crate::helpers::TestApp;

/// Runs `f` on `conn` and counts the statements it sends.
pub fn statements<T>(
    conn: &mut PgConnection,
    f: impl FnOnce(&mut PgConnection) -> T,
) -> (usize, T) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    let out = f(conn);
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    (count.load(Ordering::SeqCst), out)
}

fn caller(sub: &str, role: Role, unit_id: Option<i64>) -> AuthUser {
    AuthUser {
        sub: sub.into(),
        name: "调用者".into(),
        role,
        unit_id: unit_id.map(UnitId),
        request_id: None,
    }
}

/// The `sub` of the leader of the team that holds `unit` in the demo cycle.
fn leader_of(conn: &mut PgConnection, unit: i64) -> String {
    use lianzheng::schema::{inspection_teams, team_units};
    team_units::table
        .inner_join(inspection_teams::table.on(inspection_teams::id.eq(team_units::team_id)))
        .filter(team_units::cycle_id.eq(1))
        .filter(team_units::unit_id.eq(unit))
        .select(inspection_teams::leader_sub)
        .first(conn)
        .expect("the unit's team")
}

/// Statements of one score-sheet read, and the number of items it shows.
fn sheet_read(conn: &mut PgConnection, user: &AuthUser, unit: i64) -> (usize, usize) {
    let (n, sheet) = statements(conn, |conn| {
        signed::get::<ScoringRecord>(conn, user, (CycleId(1), UnitId(unit)))
    });
    let sheet = sheet.expect("the sheet reads");
    (n, sheet.items.len())
}

#[tokio::test]
async fn a_score_sheet_reads_in_at_most_four_statements_whatever_the_form_size() {
    let app = TestApp::spawn_demo().await;
    let mut conn = app.db.owner();
    let office = caller("office-admin", Role::Office, None);
    // 青莲镇 (7): a sheet with deductions, a referral and a signature, awaiting signatures;
    // 小江镇 (9): a final sheet. Each read as the office and as its team's leader.
    let leaders: Vec<(i64, AuthUser)> = [7, 9]
        .into_iter()
        .map(|unit| {
            (
                unit,
                caller(&leader_of(&mut conn, unit), Role::Inspector, None),
            )
        })
        .collect();
    let mut before = Vec::new();
    for (unit, leader) in &leaders {
        let unit = *unit;
        for user in [&office, leader] {
            let (n, items) = sheet_read(&mut conn, user, unit);
            assert!(n <= 4, "unit {unit} as {}: {n} statements", user.sub);
            before.push((n, items));
        }
    }
    // The town form grows by 200 items.
    diesel::sql_query(
        "INSERT INTO form_items (form_id, code, title, content_area, max_points, rules, position) \
         SELECT f.id, 'X' || g, '加项' || g, i.content_area, 0.50, i.rules, 1000 + g \
         FROM scoring_forms f \
         JOIN LATERAL (SELECT content_area, rules FROM form_items WHERE form_id = f.id \
                       ORDER BY position LIMIT 1) i ON true, generate_series(1, 200) g \
         WHERE f.cycle_id = 1 AND f.form_kind = 'town'",
    )
    .execute(&mut conn)
    .expect("more items");
    let mut after = Vec::new();
    for (unit, leader) in &leaders {
        let unit = *unit;
        for user in [&office, leader] {
            after.push(sheet_read(&mut conn, user, unit));
        }
    }
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.0, b.0, "the same statements for a form 200 items longer");
        assert_eq!(a.1, b.1 + 200, "the sheet shows the new items");
    }
}
