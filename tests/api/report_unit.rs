//! A unit's full report (issue 16 item 3): on the demo's published past (2012 = cycle 4, 2013 =
//! cycle 5), the year-over-year line and the two-cycles warning of the units below the line in
//! both years, none for a unit above it; the numbers equal the published results; the .xlsx
//! read back (sheets, headers, numeric cells equal to the JSON, the line chart over the
//! history's range); who may read it; and a fixed number of statements whatever the form's or
//! the county's size.

use calamine::Reader;
use diesel::prelude::*;
use lianzheng::auth::{AuthUser, Role};
use lianzheng::models::{CycleId, UnitId};
use lianzheng::ops::report_unit;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem};
use crate::statements::statements;
use crate::workbooks::{decimal, headers, number, part, text, workbook};

/// 2012 and 2013, published; 2011 in review.
const Y2012: i64 = 4;
const Y2013: i64 = 5;
const IN_REVIEW: i64 = 3;

fn path(cycle: i64, unit: i64) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/reports/units/{unit}")
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Sub {
    #[diesel(sql_type = diesel::sql_types::Text)]
    sub: String,
}

fn unit_id(app: &TestApp, name: &str) -> i64 {
    diesel::sql_query("SELECT id FROM units WHERE name = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Id>(&mut app.db.owner())
        .unwrap_or_else(|_| panic!("unit {name}"))
        .id
}

/// The leader of the team holding `unit` in `cycle`.
fn team_leader(app: &TestApp, cycle: i64, unit: i64) -> String {
    diesel::sql_query(
        "SELECT t.leader_sub AS sub FROM team_units tu JOIN inspection_teams t \
         ON t.id = tu.team_id WHERE tu.cycle_id = $1 AND tu.unit_id = $2",
    )
    .bind::<diesel::sql_types::BigInt, _>(cycle)
    .bind::<diesel::sql_types::BigInt, _>(unit)
    .get_result::<Sub>(&mut app.db.owner())
    .expect("the unit's team")
    .sub
}

/// The leader of a team of `cycle` that does not hold `unit`.
fn other_leader(app: &TestApp, cycle: i64, unit: i64) -> String {
    diesel::sql_query(
        "SELECT t.leader_sub AS sub FROM inspection_teams t WHERE t.cycle_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM team_units tu WHERE tu.team_id = t.id \
           AND tu.unit_id = $2) ORDER BY t.id LIMIT 1",
    )
    .bind::<diesel::sql_types::BigInt, _>(cycle)
    .bind::<diesel::sql_types::BigInt, _>(unit)
    .get_result::<Sub>(&mut app.db.owner())
    .expect("another team")
    .sub
}

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, token).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn report(app: &TestApp, cycle: i64, unit: i64) -> Value {
    get_json(app, &path(cycle, unit), &app.office).await
}

async fn result(app: &TestApp, cycle: i64, unit: i64) -> Value {
    let path = format!("/api/v1/assessment-cycles/{cycle}/units/{unit}/result");
    get_json(app, &path, &app.office).await
}

/// A decimal string in hundredths, exactly (`"75.00"` → 7500).
fn hundredths(v: &Value) -> i64 {
    let text = v.as_str().unwrap_or_else(|| panic!("a decimal: {v}"));
    let (whole, fraction) = text.split_once('.').expect("two decimals");
    whole.parse::<i64>().expect("whole") * 100 + fraction.parse::<i64>().expect("fraction")
}

#[tokio::test]
async fn units_below_the_line_in_2012_and_2013_show_both_years_and_the_two_cycles_warning() {
    let app = TestApp::spawn_demo().await;
    for name in ["岭背镇", "县林业局"] {
        let unit = unit_id(&app, name);
        let body = report(&app, Y2013, unit).await;
        assert_eq!(body["unit_name"], name);
        assert_eq!(body["year"], 2013);
        // The result is the results' own.
        let now = result(&app, Y2013, unit).await;
        assert_eq!(body["result"], now, "{name}");
        assert_eq!(now["owes_rectification"], true, "{name}: {now}");
        let history = body["history"].as_array().expect("history");
        let years: Vec<i64> = history
            .iter()
            .map(|h| h["year"].as_i64().expect("year"))
            .collect();
        assert_eq!(years, [2012, 2013], "{name}: {history:?}");
        let (before, this) = (&history[0], &history[1]);
        assert_eq!(before["cycle_id"], Y2012);
        assert_eq!(before["current"], false);
        assert_eq!(before["version"], 1);
        assert_eq!(this["current"], true);
        assert!(this["version"].is_null());
        let then = result(&app, Y2012, unit).await;
        for (line, published) in [(before, &then), (this, &now)] {
            for field in ["total", "rank_in_kind", "rank_overall", "band"] {
                assert_eq!(line[field], published[field], "{name} {field}");
            }
            assert_eq!(line["owes_rectification"], true, "{name}: {line}");
        }
        let warning = &body["warning"];
        assert_eq!(warning["years"], serde_json::json!([2012, 2013]), "{body}");
        assert_eq!(warning["cycle_ids"], serde_json::json!([Y2012, Y2013]));
        let message = warning["message"].as_str().expect("message");
        let total = now["total"].as_str().expect("total");
        assert!(message.contains(&format!("2013年 {total}分")), "{message}");
        // The rectification the 2013 publication made it owe.
        let rect = &body["rectification"];
        assert!(rect["status"].is_string(), "{body}");
        assert!(rect["due_on"].is_string());
        assert!(rect["overdue"].is_boolean() && rect["late"].is_boolean());
        // The published 2012 report has no earlier year: a line of one, no warning.
        let first = report(&app, Y2012, unit).await;
        assert_eq!(first["history"].as_array().map(Vec::len), Some(1));
        assert!(first["warning"].is_null(), "{first}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_unit_above_the_line_has_no_warning_and_its_items_add_up_to_its_result() {
    let app = TestApp::spawn_demo().await;
    // The first of the 2013 ranking.
    let unit = app.count(&format!(
        "SELECT pr.unit_id AS n FROM publication_results pr JOIN publications p \
         ON p.id = pr.publication_id WHERE p.cycle_id = {Y2013} AND pr.rank_overall = 1 \
         ORDER BY pr.unit_id LIMIT 1"
    ));
    let body = report(&app, Y2013, unit).await;
    assert!(body["warning"].is_null(), "{body}");
    assert!(body["rectification"].is_null(), "{body}");
    let history = body["history"].as_array().expect("history");
    assert!(history.iter().all(|h| h["owes_rectification"] == false));
    assert_eq!(history.last().expect("this year")["current"], true);
    let sheet = &body["sheet"];
    assert_eq!(sheet["status"], "final");
    assert_eq!(sheet["team_total"], body["result"]["special_score"]);
    let items = sheet["items"].as_array().expect("items");
    let form_items = app.count(&format!(
        "SELECT count(*) AS n FROM form_items fi JOIN scoring_forms f ON f.id = fi.form_id \
         JOIN cycle_units cu ON cu.cycle_id = f.cycle_id AND cu.form_kind = f.form_kind \
         WHERE cu.cycle_id = {Y2013} AND cu.unit_id = {unit}"
    ));
    assert_eq!(items.len() as i64, form_items);
    let sum: i64 = items.iter().map(|i| hundredths(&i["points"])).sum();
    assert_eq!(sum, hundredths(&sheet["team_total"]));
    for item in items {
        let deducted: i64 = item["deductions"]
            .as_array()
            .expect("deductions")
            .iter()
            .map(|d| hundredths(&d["amount"]))
            .sum();
        assert_eq!(
            hundredths(&item["max_points"]) - hundredths(&item["points"]),
            hundredths(&item["lost_points"])
        );
        assert!(deducted >= hundredths(&item["lost_points"]), "{item}");
    }
    assert!(
        !sheet["methods"].as_array().expect("methods").is_empty(),
        "the demo's teams name their methods"
    );
    assert_eq!(body["team_report"]["status"], "final");
    assert!(body["team_report"]["overall_evaluation"].is_string());
    assert_eq!(body["routine"]["score"], body["result"]["routine_score"]);
    app.stop().await;
}

#[tokio::test]
async fn the_workbook_holds_the_json_numbers_and_a_line_chart_over_the_history() {
    let app = TestApp::spawn_demo().await;
    let unit = unit_id(&app, "岭背镇");
    let body = report(&app, Y2013, unit).await;
    // `format` wins over `Accept`.
    let accept = Some("application/json");
    let (mut book, bytes, _) = workbook(&app, &path(Y2013, unit), &app.office, accept).await;
    assert_eq!(book.sheet_names(), ["评分明细", "历年结果", "基本情况"]);

    let items_sheet = book.worksheet_range("评分明细").expect("sheet");
    assert!(text(items_sheet.get_value((0, 0))).starts_with("阳山县2013年度"));
    assert!(text(items_sheet.get_value((0, 0))).contains("岭背镇"));
    assert!(text(items_sheet.get_value((1, 0))).starts_with("数据截至 "));
    assert_eq!(
        headers(&items_sheet, 2, 9),
        [
            "项目编号",
            "考评项目",
            "考核内容",
            "分值",
            "自评得分",
            "考核组评分",
            "扣分",
            "扣分情况及依据",
            "佐证说明"
        ]
    );
    let items = body["sheet"]["items"].as_array().expect("items");
    let mut lost_some = false;
    for (row, item) in (3u32..).zip(items) {
        assert_eq!(text(items_sheet.get_value((row, 0))), item["item_code"]);
        assert_eq!(
            number(items_sheet.get_value((row, 3))),
            decimal(&item["max_points"])
        );
        if item["self_score"].is_string() {
            assert_eq!(
                number(items_sheet.get_value((row, 4))),
                decimal(&item["self_score"])
            );
        }
        assert_eq!(
            number(items_sheet.get_value((row, 5))),
            decimal(&item["points"])
        );
        assert_eq!(
            number(items_sheet.get_value((row, 6))),
            decimal(&item["lost_points"])
        );
        if !item["deductions"]
            .as_array()
            .expect("deductions")
            .is_empty()
        {
            lost_some = true;
            let words = text(items_sheet.get_value((row, 7)));
            assert!(words.contains('扣') || words.contains('×'), "{words}");
        }
    }
    assert!(lost_some, "岭背镇 lost points in 2013");
    let total_row = 3 + items.len() as u32;
    assert_eq!(text(items_sheet.get_value((total_row, 0))), "合计");
    assert_eq!(
        number(items_sheet.get_value((total_row, 5))),
        decimal(&body["sheet"]["team_total"])
    );

    let history_sheet = book.worksheet_range("历年结果").expect("sheet");
    assert_eq!(
        headers(&history_sheet, 2, 5),
        ["年度", "年度总分", "类别内排名", "总排名", "档次"]
    );
    let history = body["history"].as_array().expect("history");
    assert_eq!(history.len(), 2);
    for (row, line) in (3u32..).zip(history) {
        assert_eq!(
            number(history_sheet.get_value((row, 0))),
            line["year"].as_i64().expect("year") as f64
        );
        assert_eq!(
            number(history_sheet.get_value((row, 1))),
            decimal(&line["total"])
        );
        assert_eq!(
            number(history_sheet.get_value((row, 2))),
            line["rank_in_kind"].as_i64().expect("rank") as f64
        );
        assert_eq!(text(history_sheet.get_value((row, 4))), line["band"]);
    }

    let summary = book.worksheet_range("基本情况").expect("sheet");
    assert_eq!(headers(&summary, 2, 2), ["项目", "内容"]);
    let value_of = |name: &str| {
        (3..summary.height() as u32)
            .find(|&row| text(summary.get_value((row, 0))) == name)
            .map(|row| summary.get_value((row, 1)).cloned())
            .unwrap_or_else(|| panic!("row {name}"))
    };
    let result = &body["result"];
    assert_eq!(
        number(value_of("年度总分").as_ref()),
        decimal(&result["total"])
    );
    assert_eq!(
        number(value_of("专项考核得分").as_ref()),
        decimal(&result["special_score"])
    );
    assert_eq!(
        number(value_of("类别内排名").as_ref()),
        result["rank_in_kind"].as_i64().expect("rank") as f64
    );
    let warning = text(value_of("连续两年预警").as_ref());
    assert_eq!(warning, body["warning"]["message"]);

    // The native line chart reads the years and the totals of the two history rows (4 and 5).
    let chart = part(&bytes, "xl/charts/chart1.xml");
    assert!(chart.contains("<c:lineChart>"), "a line chart: {chart}");
    assert!(chart.contains("历年结果!$A$4:$A$5"), "{chart}");
    assert!(chart.contains("历年结果!$B$4:$B$5"), "{chart}");
    assert!(
        chart.contains("历年结果!$B$3"),
        "series named by its header"
    );
    let rels = part(&bytes, "xl/worksheets/_rels/sheet2.xml.rels");
    assert!(rels.contains("../drawings/drawing1.xml"), "{rels}");
    // The CSV carries the same tables.
    let response = app
        .get(&format!("{}?format=csv", path(Y2013, unit)), &app.office)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let csv = response.text().await.expect("CSV");
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark");
    assert!(csv.contains("\r\n历年结果\r\n年度,年度总分,"), "{csv}");
    app.stop().await;
}

#[tokio::test]
async fn a_unit_reads_its_own_report_after_publication_and_nothing_else() {
    let app = TestApp::spawn_demo().await;
    let unit = unit_id(&app, "县林业局");
    let other = unit_id(&app, "岭背镇");
    let token = app.unit_token(unit);
    let own = get_json(&app, &path(Y2013, unit), &token).await;
    assert_eq!(own["unit_id"], unit);
    assert!(own["warning"].is_object());
    // The demo's publication does not show units their leaders' grades.
    assert!(own["result"]["leader_grades"].is_null(), "{own}");
    let office = report(&app, Y2013, unit).await;
    assert!(
        !office["result"]["leader_grades"]
            .as_array()
            .expect("the office sees the grades")
            .is_empty()
    );
    let csv = app
        .get(&format!("{}?format=csv", path(Y2013, unit)), &token)
        .await
        .text()
        .await
        .expect("CSV");
    assert!(!csv.contains("班子成员评定等次"), "{csv}");
    diesel::sql_query(format!(
        "UPDATE result_settings SET units_see_leader_grades = true WHERE cycle_id = {Y2013}"
    ))
    .execute(&mut app.db.owner())
    .expect("grant the grades");
    let granted = get_json(&app, &path(Y2013, unit), &token).await;
    assert_eq!(
        granted["result"]["leader_grades"], office["result"]["leader_grades"],
        "{granted}"
    );
    // Before publication: 403 `not_published`; another unit's: 404, published or not.
    let before = app.get(&path(IN_REVIEW, unit), &token).await;
    assert_problem(before, 403, "not_published").await;
    for cycle in [Y2013, IN_REVIEW] {
        let response = app.get(&path(cycle, other), &token).await;
        assert_problem(response, 404, "not_found").await;
    }
    let missing = app.get(&path(999, unit), &token).await;
    assert_problem(missing, 404, "not_found").await;
    app.stop().await;
}

#[tokio::test]
async fn an_inspector_reads_their_teams_units_after_publication_and_no_other() {
    let app = TestApp::spawn_demo().await;
    let unit = unit_id(&app, "岭背镇");
    let leader = team_leader(&app, Y2013, unit);
    let token = app.token(Role::Inspector, &leader, None);
    let body = get_json(&app, &path(Y2013, unit), &token).await;
    assert_eq!(body["result"], result(&app, Y2013, unit).await);
    let outsider = other_leader(&app, Y2013, unit);
    let token = app.token(Role::Inspector, &outsider, None);
    let response = app.get(&path(Y2013, unit), &token).await;
    assert_problem(response, 404, "not_found").await;
    // Their own team's unit in a cycle not yet published: 404.
    let unpublished = app.count(&format!(
        "SELECT unit_id AS n FROM team_units WHERE cycle_id = {IN_REVIEW} \
         ORDER BY unit_id LIMIT 1"
    ));
    let leader = team_leader(&app, IN_REVIEW, unpublished);
    let token = app.token(Role::Inspector, &leader, None);
    let response = app.get(&path(IN_REVIEW, unpublished), &token).await;
    assert_problem(response, 404, "not_found").await;
    // The office reads it all the same.
    report(&app, IN_REVIEW, unpublished).await;
    app.stop().await;
}

#[tokio::test]
async fn the_report_runs_as_many_statements_for_a_large_form_and_county_as_for_the_demo() {
    let app = TestApp::spawn_demo().await;
    let mut conn = app.db.owner();
    let unit = unit_id(&app, "岭背镇");
    let now = chrono::Utc::now();
    let office = AuthUser {
        sub: "office-admin".to_owned(),
        name: "县纪委办公室".to_owned(),
        role: Role::Office,
        unit_id: None,
        request_id: None,
    };
    let own = AuthUser {
        sub: format!("unit-user-{unit}"),
        name: "单位联络员".to_owned(),
        role: Role::Unit,
        unit_id: Some(UnitId(unit)),
        request_id: None,
    };
    let inspector = AuthUser {
        sub: team_leader(&app, Y2013, unit),
        name: "考核组组长".to_owned(),
        role: Role::Inspector,
        unit_id: None,
        request_id: None,
    };
    let run = |conn: &mut PgConnection| {
        [&office, &own, &inspector].map(|user| {
            statements(conn, |c| {
                report_unit::read(c, user, CycleId(Y2013), UnitId(unit), now).expect("read")
            })
            .0
        })
    };
    let small = run(&mut conn);
    let before =
        report_unit::read(&mut conn, &office, CycleId(Y2013), UnitId(unit), now).expect("read");
    // A form of 60 more items, 300 more assessed units in 2013 with published rows, each
    // with a final sheet row and a referral on the unit's sheet.
    diesel::sql_query(format!(
        "INSERT INTO form_items (form_id, position, code, title, content_area, max_points, rules) \
         SELECT f.id, 1000 + g, 'X' || g, '批量项目' || g, 1 + g % 7, 1, '[]' \
           FROM cycle_units cu JOIN scoring_forms f ON f.cycle_id = cu.cycle_id \
            AND f.form_kind = cu.form_kind, generate_series(1, 60) g \
          WHERE cu.cycle_id = {Y2013} AND cu.unit_id = {unit}"
    ))
    .execute(&mut conn)
    .expect("bulk items");
    diesel::sql_query(format!(
        "WITH new AS (INSERT INTO units (name, kind) \
           SELECT '批量单位' || g, 'town' FROM generate_series(1, 300) g RETURNING id), \
         placed AS (INSERT INTO cycle_units (cycle_id, unit_id, status, form_kind, updated_by) \
           SELECT {Y2013}, id, 'assessed', 'town', 'test' FROM new RETURNING unit_id) \
         INSERT INTO publication_results (publication_id, unit_id, unit_name, unit_kind, \
           status, vetoed, band_capped) \
         SELECT p.id, placed.unit_id, '批量单位', 'town', 'incomplete', false, false \
           FROM placed, publications p WHERE p.cycle_id IN ({Y2012}, {Y2013})"
    ))
    .execute(&mut conn)
    .expect("bulk units");
    diesel::sql_query(format!(
        "INSERT INTO referrals (record_id, leader_name, facts, decision, created_by) \
         SELECT sr.id, '某某' || g, '因工作失职被追究纪律责任', '阳纪发〔2013〕' || g || '号', \
           'test' FROM scoring_records sr, generate_series(1, 20) g \
          WHERE sr.cycle_id = {Y2013} AND sr.unit_id = {unit}"
    ))
    .execute(&mut conn)
    .expect("bulk referrals");
    let large = run(&mut conn);
    let after =
        report_unit::read(&mut conn, &office, CycleId(Y2013), UnitId(unit), now).expect("read");
    assert_eq!(after.sheet.items.len(), before.sheet.items.len() + 60);
    assert_eq!(
        after.sheet.referrals.len(),
        before.sheet.referrals.len() + 20
    );
    assert_eq!(
        small, large,
        "statements for the demo and for a larger form and county"
    );
    assert!(small[0] <= 16, "the report's statements: {small:?}");
    app.stop().await;
}
