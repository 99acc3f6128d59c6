//! The office's reports (issue 16): each served as JSON, CSV or .xlsx, chosen by `format` over
//! `Accept` (406 otherwise); the .xlsx read back with calamine (sheets, headers, numeric cells
//! equal to the JSON) and its chart parts with zip; the CSV's BOM and formula escaping; the
//! dashboard's fixed number of statements; and the office alone reading them.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use diesel::prelude::*;
use lianzheng::auth::Role;
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem};
use crate::statements::statements;
use crate::workbooks::{self, XLSX, decimal, fetch, headers, number, part, text};

fn report(name: &str) -> String {
    format!("/api/v1/assessment-cycles/1/reports/{name}")
}

async fn json(app: &TestApp, name: &str) -> Value {
    workbooks::json(app, &report(name), &app.office).await
}

/// The report as CSV: the content type, the `Content-Disposition` and the body.
async fn csv(app: &TestApp, name: &str) -> (String, String, Vec<u8>) {
    fetch(
        app,
        &format!("{}?format=csv", report(name)),
        &app.office,
        None,
    )
    .await
}

async fn workbook(app: &TestApp, name: &str) -> (Xlsx<Cursor<Vec<u8>>>, Vec<u8>) {
    let (book, body, disposition) =
        workbooks::workbook(app, &report(name), &app.office, None).await;
    assert!(disposition.starts_with("attachment; "), "{disposition}");
    // 阳山县, percent-encoded in UTF-8, begins every file name.
    assert!(
        disposition.contains("filename*=UTF-8''%E9%98%B3%E5%B1%B1%E5%8E%BF2014"),
        "{disposition}"
    );
    (book, body)
}

#[tokio::test]
async fn the_content_area_workbook_holds_the_json_numbers_and_a_chart_over_its_own_range() {
    let app = TestApp::spawn_demo().await;
    let report_json = json(&app, "content-areas").await;
    assert!(report_json["final_sheets"].as_i64().expect("count") > 0);
    let areas = report_json["areas"].as_array().expect("areas");
    assert_eq!(areas.len(), 7);
    assert_ne!(
        areas[1]["overall"]["lost_points"], "0.00",
        "the demo's final sheets lost points in area 2: {report_json}"
    );
    let (mut book, bytes) = workbook(&app, "content-areas").await;
    assert_eq!(book.sheet_names(), ["考核内容失分", "失分最多的考评项目"]);
    let areas_sheet = book.worksheet_range("考核内容失分").expect("sheet");
    assert!(text(areas_sheet.get_value((0, 0))).starts_with("阳山县2014年度"));
    assert!(text(areas_sheet.get_value((1, 0))).starts_with("数据截至 "));
    assert_eq!(
        headers(&areas_sheet, 2, 6),
        [
            "考核内容",
            "应得分合计",
            "失分合计",
            "总体失分率（%）",
            "乡镇失分率（%）",
            "县直单位失分率（%）"
        ]
    );
    for (i, area) in (3u32..).zip(areas) {
        let name = text(areas_sheet.get_value((i, 0)));
        assert!(
            name.ends_with(area["name"].as_str().expect("name")),
            "{name}"
        );
        let overall = &area["overall"];
        assert_eq!(
            number(areas_sheet.get_value((i, 1))),
            decimal(&overall["max_points"])
        );
        assert_eq!(
            number(areas_sheet.get_value((i, 2))),
            decimal(&overall["lost_points"])
        );
        assert_eq!(
            number(areas_sheet.get_value((i, 3))),
            decimal(&overall["share"])
        );
        for (col, kind) in [(4, "town"), (5, "county_department")] {
            let share = area["by_kind"]
                .as_array()
                .expect("by kind")
                .iter()
                .find(|k| k["kind"] == kind)
                .map_or(0.0, |k| decimal(&k["share"]));
            assert_eq!(number(areas_sheet.get_value((i, col))), share);
        }
    }
    let items = book.worksheet_range("失分最多的考评项目").expect("sheet");
    let top = report_json["top_items"].as_array().expect("top items");
    assert!(!top.is_empty());
    for (row, item) in (3u32..).zip(top) {
        assert_eq!(text(items.get_value((row, 2))), item["item_code"]);
        assert_eq!(
            number(items.get_value((row, 6))),
            decimal(&item["lost_points"])
        );
        assert_eq!(number(items.get_value((row, 7))), decimal(&item["share"]));
    }
    // The native chart: its part exists, the sheet's drawing refers to it, and its series
    // read the area names and the shares of the seven data rows (4 to 10); a sheet name of
    // Chinese characters alone needs no quotes in a reference.
    let chart = part(&bytes, "xl/charts/chart1.xml");
    assert!(chart.contains("<c:barChart>"), "a column chart");
    assert!(chart.contains("考核内容失分!$A$4:$A$10"), "{chart}");
    assert!(chart.contains("考核内容失分!$D$4:$D$10"), "{chart}");
    assert!(chart.contains("考核内容失分!$E$4:$E$10"), "{chart}");
    assert!(
        chart.contains("考核内容失分!$D$3"),
        "series named by its header"
    );
    let drawing = part(&bytes, "xl/drawings/_rels/drawing1.xml.rels");
    assert!(drawing.contains("../charts/chart1.xml"), "{drawing}");
    // A4, fit to the page width, the title and header rows repeated on every page.
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("paperSize=\"9\""), "A4");
    assert!(sheet.contains("fitToHeight=\"0\""), "fit to width");
    let workbook_xml = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook_xml.contains("_xlnm.Print_Titles") && workbook_xml.contains("$1:$3"),
        "{workbook_xml}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_leader_grades_workbook_lists_every_leader_and_counts_each_grade_as_numbers() {
    let app = TestApp::spawn_demo().await;
    let report_json = json(&app, "leader-grades").await;
    let units = report_json["units"].as_array().expect("units");
    let assessed = app
        .count("SELECT count(*) AS n FROM cycle_units WHERE cycle_id = 1 AND status = 'assessed'");
    assert_eq!(units.len() as i64, assessed);
    let leaders: usize = units
        .iter()
        .map(|u| u["leaders"].as_array().expect("leaders").len())
        .sum();
    let graded = app.count("SELECT count(*) AS n FROM leader_grades WHERE cycle_id = 1");
    let totals = &report_json["totals"];
    let counted: i64 = ["good", "fairly_good", "average", "poor"]
        .iter()
        .map(|g| totals[g].as_i64().expect("count"))
        .sum();
    assert_eq!(counted, graded, "{totals}");
    assert_eq!(
        counted + totals["ungraded"].as_i64().expect("n"),
        leaders as i64
    );

    let (mut book, _) = workbook(&app, "leader-grades").await;
    assert_eq!(book.sheet_names(), ["班子成员评定等次", "等次统计"]);
    let list = book.worksheet_range("班子成员评定等次").expect("sheet");
    assert_eq!(
        headers(&list, 2, 5),
        ["单位", "单位类型", "班子成员", "职务", "评定等次"]
    );
    let first = &units[0];
    assert_eq!(text(list.get_value((3, 0))), first["name"]);
    assert_eq!(text(list.get_value((3, 2))), first["leaders"][0]["name"]);
    let tally = book.worksheet_range("等次统计").expect("sheet");
    assert_eq!(headers(&tally, 2, 2), ["评定等次", "人数"]);
    for (row, (label, key)) in (3u32..).zip([
        ("好", "good"),
        ("较好", "fairly_good"),
        ("一般", "average"),
        ("差", "poor"),
        ("未评定", "ungraded"),
    ]) {
        assert_eq!(text(tally.get_value((row, 0))), label);
        assert_eq!(
            number(tally.get_value((row, 1))),
            totals[key].as_i64().expect("n") as f64
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn the_dashboard_counts_what_the_database_holds_and_its_workbook_the_same_numbers() {
    let app = TestApp::spawn_demo().await;
    let dashboard = json(&app, "dashboard").await;
    assert_eq!(dashboard["state"], "special_inspection");
    let stage = |key: &str| {
        dashboard["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .find(|s| s["key"] == key)
            .unwrap_or_else(|| panic!("stage {key}"))
            .clone()
    };
    let count = |stage: &Value, key: &str| {
        stage["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .find(|c| c["key"] == key)
            .unwrap_or_else(|| panic!("count {key}"))
            .clone()
    };
    let si = stage("self_inspections");
    let submitted = app.count(
        "SELECT count(*) AS n FROM self_inspections si JOIN cycle_units cu \
         ON cu.cycle_id = si.cycle_id AND cu.unit_id = si.unit_id \
         WHERE si.cycle_id = 1 AND cu.status = 'assessed' AND si.status = 'submitted'",
    );
    assert_eq!(count(&si, "submitted")["count"], submitted);
    let late = app.count(
        "SELECT count(*) AS n FROM self_inspections WHERE cycle_id = 1 \
         AND status = 'submitted' AND late",
    );
    assert!(late > 0, "the demo has late submissions");
    assert_eq!(count(&si, "late")["count"], late);
    let missing = count(&si, "missing");
    assert!(
        missing["units"]
            .as_array()
            .expect("units")
            .iter()
            .any(|u| u["unit_id"] == 73),
        "县工商行政管理局 submitted nothing: {missing}"
    );
    let returned = count(&si, "returned");
    assert!(returned["units"][0]["unit_id"] == 3, "太平镇: {returned}");
    let sheets = stage("scoring_records");
    let finals = app
        .count("SELECT count(*) AS n FROM scoring_records WHERE cycle_id = 1 AND status = 'final'");
    assert_eq!(count(&sheets, "final")["count"], finals);
    let assessed = dashboard["assessed_units"].as_i64().expect("n");
    let by_state: i64 = sheets["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|c| c["count"].as_i64().expect("n"))
        .sum();
    assert_eq!(by_state, assessed, "every unit's sheet in one state");
    let next = &dashboard["next_transition"];
    assert_eq!(next["to"], "review");
    assert_eq!(next["ready"], true, "{next}");

    let (mut book, _) = workbook(&app, "dashboard").await;
    assert_eq!(book.sheet_names(), ["考核进度"]);
    let range = book.worksheet_range("考核进度").expect("sheet");
    assert_eq!(headers(&range, 2, 4), ["阶段", "事项", "数量", "单位"]);
    let mut row = 3;
    let mut checked = 0;
    for stage in dashboard["stages"].as_array().expect("stages") {
        if stage["note"].is_string() {
            row += 1;
        }
        for count in stage["counts"].as_array().expect("counts") {
            assert_eq!(text(range.get_value((row, 1))), count["label"]);
            assert_eq!(
                number(range.get_value((row, 2))),
                count["count"].as_i64().expect("n") as f64
            );
            row += 1;
            checked += 1;
        }
    }
    assert!(checked > 20);
    assert_eq!(text(range.get_value((row, 0))), "下一阶段");
    app.stop().await;
}

#[tokio::test]
async fn the_dashboard_names_what_blocks_the_next_transition_as_the_transition_refuses_it() {
    let app = TestApp::spawn_demo().await;
    // A unit of the 2014 cycle loses its team: the cycle could not enter the special
    // inspection now. Move it back a step to see the guard (the state alone, for the test).
    let mut conn = app.db.owner();
    diesel::sql_query("UPDATE assessment_cycles SET state = 'self_inspection' WHERE id = 1; ")
        .execute(&mut conn)
        .expect("back to self-inspection");
    diesel::sql_query("DELETE FROM team_units WHERE cycle_id = 1 AND unit_id = 73")
        .execute(&mut conn)
        .expect("unassign");
    let dashboard = json(&app, "dashboard").await;
    let next = &dashboard["next_transition"];
    assert_eq!(next["to"], "special_inspection");
    assert_eq!(next["ready"], false);
    assert_eq!(next["blocked_by"], "units_without_team");
    assert!(
        next["detail"]
            .as_str()
            .expect("detail")
            .contains("尚有单位未分配考核组"),
        "{next}"
    );
    let refused = app
        .post(
            "/api/v1/assessment-cycles/1/transitions",
            &app.office,
            &serde_json::json!({"to": "special_inspection"}),
        )
        .await;
    assert_problem(refused, 409, "units_without_team").await;
    app.stop().await;
}

#[tokio::test]
async fn a_csv_starts_with_a_bom_and_a_unit_named_like_a_formula_comes_out_escaped() {
    let app = TestApp::spawn_demo().await;
    diesel::sql_query("UPDATE units SET name = '=1+1' WHERE id = 73")
        .execute(&mut app.db.owner())
        .expect("rename");
    diesel::sql_query("UPDATE units SET name = '县\"甲,乙\"局' WHERE id = 72")
        .execute(&mut app.db.owner())
        .expect("rename");
    let (content_type, disposition, body) = csv(&app, "dashboard").await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert!(disposition.ends_with("%2Ecsv"), "{disposition}");
    assert_eq!(&body[..3], b"\xEF\xBB\xBF", "a UTF-8 byte-order mark");
    let text = String::from_utf8(body).expect("UTF-8");
    assert!(text.contains("\r\n阶段,事项,数量,单位\r\n"), "{text}");
    // 县工商行政管理局 (73), renamed `=1+1`, submitted nothing: the cell is the list of
    // units missing, so the name follows `、` there; alone in a cell it gets the `'`.
    let grades = csv(&app, "leader-grades").await;
    let grades = String::from_utf8(grades.2).expect("UTF-8");
    assert!(grades.contains("\r\n'=1+1,"), "{grades}");
    assert!(!grades.contains("\r\n=1+1"), "{grades}");
    assert!(
        grades.contains("\r\n\"县\"\"甲,乙\"\"局\","),
        "RFC 4180 quoting: {grades}"
    );
    // A report of two tables writes them in turn, each under its name; its decimals as the
    // JSON writes them.
    let areas = json(&app, "content-areas").await;
    let (_, _, body) = csv(&app, "content-areas").await;
    let text = String::from_utf8(body).expect("UTF-8");
    let first = text
        .find("\r\n考核内容失分\r\n考核内容,")
        .expect("the areas' table");
    let second = text
        .find("\r\n失分最多的考评项目\r\n序号,")
        .expect("the items' table");
    assert!(first < second, "{text}");
    let area = &areas["areas"][0]["overall"];
    let line = format!(
        ",{},{},{},",
        area["max_points"].as_str().expect("max"),
        area["lost_points"].as_str().expect("lost"),
        area["share"].as_str().expect("share")
    );
    assert!(text.contains(&line), "{line} in {text}");
    app.stop().await;
}

#[tokio::test]
async fn the_format_parameter_wins_over_accept_and_accept_decides_without_it() {
    let app = TestApp::spawn_demo().await;
    let path = report("leader-grades");
    let (ct, _, _) = fetch(
        &app,
        &format!("{path}?format=xlsx"),
        &app.office,
        Some("text/csv"),
    )
    .await;
    assert_eq!(ct, XLSX);
    let (ct, _, _) = fetch(
        &app,
        &format!("{path}?format=json"),
        &app.office,
        Some(XLSX),
    )
    .await;
    assert_eq!(ct, "application/json");
    let (ct, _, _) = fetch(&app, &path, &app.office, Some(XLSX)).await;
    assert_eq!(ct, XLSX);
    let (ct, _, _) = fetch(
        &app,
        &path,
        &app.office,
        Some("text/csv, application/json;q=0.5"),
    )
    .await;
    assert_eq!(ct, "text/csv; charset=utf-8");
    let (ct, _, _) = fetch(&app, &path, &app.office, Some("*/*")).await;
    assert_eq!(ct, "application/json");
    app.stop().await;
}

#[tokio::test]
async fn an_unsupported_format_is_406_problem_json() {
    let app = TestApp::spawn_demo().await;
    for name in ["dashboard", "leader-grades", "content-areas"] {
        let response = app
            .request(
                reqwest::Method::GET,
                &format!("{}?format=pdf", report(name)),
                Some(&app.office),
            )
            .header("Accept", "text/csv")
            .send()
            .await
            .expect("GET");
        let problem = assert_problem(response, 406, "not_acceptable").await;
        assert!(problem["detail"].as_str().expect("detail").contains("pdf"));
        let response = app
            .request(reqwest::Method::GET, &report(name), Some(&app.office))
            .header("Accept", "application/pdf")
            .send()
            .await
            .expect("GET");
        assert_problem(response, 406, "not_acceptable").await;
    }
    app.stop().await;
}

#[tokio::test]
async fn only_the_office_reads_the_reports() {
    let app = TestApp::spawn_demo().await;
    let unit = app.unit_token(1);
    let inspector = app.token(Role::Inspector, "insp-1-leader", None);
    for name in ["dashboard", "leader-grades", "content-areas"] {
        for token in [&unit, &inspector] {
            let response = app.get(&report(name), token).await;
            assert_problem(response, 403, "forbidden").await;
        }
    }
    let missing = app
        .get(
            "/api/v1/assessment-cycles/999/reports/dashboard",
            &app.office,
        )
        .await;
    assert_problem(missing, 404, "not_found").await;
    app.stop().await;
}

/// Adds `n` assessed county departments to the demo cycle, in bulk, each with a first
/// responsible leader, a team, a submitted self-inspection and an open sheet.
fn add_units(conn: &mut PgConnection, n: i64, from: i64) {
    crate::fixtures::add_bulk_units(conn, 1, n, from);
    let batch = "u.name LIKE '批量单位%' AND u.id NOT IN (SELECT unit_id FROM leaders)";
    diesel::sql_query(format!(
        "INSERT INTO leaders (unit_id, name, position, is_first_responsible) \
         SELECT u.id, '负责人' || u.id, '局长', true FROM units u WHERE {batch}"
    ))
    .execute(conn)
    .expect("bulk leaders");
    diesel::sql_query(
        "INSERT INTO team_units (cycle_id, unit_id, team_id) \
         SELECT 1, u.id, (SELECT min(id) FROM inspection_teams WHERE cycle_id = 1) \
         FROM units u WHERE u.name LIKE '批量单位%' ON CONFLICT DO NOTHING",
    )
    .execute(conn)
    .expect("bulk assignment");
    diesel::sql_query(
        "INSERT INTO self_inspections (cycle_id, unit_id, status, problems, late) \
         SELECT 1, u.id, 'submitted', '[]', u.id % 2 = 0 FROM units u \
         WHERE u.name LIKE '批量单位%' ON CONFLICT DO NOTHING",
    )
    .execute(conn)
    .expect("bulk self-inspections");
}

#[tokio::test]
async fn the_reports_run_as_many_statements_for_300_units_as_for_30() {
    use lianzheng::models::CycleId;
    use lianzheng::ops::reports;
    let app = TestApp::spawn_demo().await;
    let mut conn = app.db.owner();
    let now = chrono::Utc::now();
    let run = |conn: &mut PgConnection| {
        let dashboard = statements(conn, |c| {
            reports::dashboard(c, CycleId(1), now).expect("ok")
        })
        .0;
        let grades = statements(conn, |c| {
            reports::leader_grades(c, CycleId(1), now).expect("ok")
        })
        .0;
        let areas = statements(conn, |c| {
            reports::content_areas(c, CycleId(1), now).expect("ok")
        })
        .0;
        [dashboard, grades, areas]
    };
    add_units(&mut conn, 30, 1);
    let small = run(&mut conn);
    let units_small = reports::dashboard(&mut conn, CycleId(1), now)
        .expect("dashboard")
        .assessed_units;
    add_units(&mut conn, 270, 31);
    let large = run(&mut conn);
    let dashboard = reports::dashboard(&mut conn, CycleId(1), now).expect("dashboard");
    assert_eq!(dashboard.assessed_units, units_small + 270);
    let submitted = dashboard.stages[0]
        .counts
        .iter()
        .find(|c| c.key == "submitted")
        .expect("submitted");
    assert!(submitted.count >= 300, "{}", submitted.count);
    assert_eq!(small, large, "statements for 30 and for 300 units");
    // Units, reports, the draw, the results (`ops::results::for_cycle`) and the guards.
    assert!(small[0] <= 10, "the dashboard's statements: {}", small[0]);
    app.stop().await;
}

#[tokio::test]
async fn a_cycle_in_review_shows_what_still_blocks_its_publication() {
    let app = TestApp::spawn_demo().await;
    // The demo's 2011 cycle (3) is in review, with one decision still to record.
    let response = app
        .get("/api/v1/assessment-cycles/3/reports/dashboard", &app.office)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let dashboard: Value = response.json().await.expect("json");
    let next = &dashboard["next_transition"];
    assert_eq!(next["to"], "published");
    assert_eq!(next["ready"], false);
    assert_eq!(next["blocked_by"], "publication_incomplete");
    app.stop().await;
}

#[tokio::test]
async fn the_dashboard_of_a_published_cycle_counts_its_results_and_rectifications_by_state() {
    let app = TestApp::spawn_demo().await;
    // The 2013 cycle (5): published twice, every unit complete, its rectifications seeded.
    let response = app
        .get("/api/v1/assessment-cycles/5/reports/dashboard", &app.office)
        .await;
    assert_eq!(response.status(), 200);
    let dashboard: Value = response.json().await.expect("json");
    let stage = |key: &str| {
        dashboard["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .find(|s| s["key"] == key)
            .unwrap_or_else(|| panic!("stage {key}: {dashboard}"))
            .clone()
    };
    let count = |stage: &Value, key: &str| -> i64 {
        stage["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .find(|c| c["key"] == key)
            .and_then(|c| c["count"].as_i64())
            .unwrap_or_else(|| panic!("count {key}: {stage}"))
    };
    let results = stage("results");
    assert_eq!(
        count(&results, "complete"),
        dashboard["assessed_units"].as_i64().expect("n")
    );
    assert_eq!(count(&results, "incomplete"), 0);
    let owing = app.count(
        "SELECT count(*) AS n FROM rectifications WHERE cycle_id = 5 AND status <> 'withdrawn'",
    );
    assert_eq!(count(&results, "owes_rectification"), owing);
    let rect = stage("rectifications");
    assert!(rect["note"].is_null(), "published: {rect}");
    for status in [
        "owed",
        "draft",
        "returned",
        "submitted",
        "accepted",
        "withdrawn",
    ] {
        let n = app.count(&format!(
            "SELECT count(*) AS n FROM rectifications WHERE cycle_id = 5 AND status = '{status}'"
        ));
        assert_eq!(count(&rect, status), n, "{status}: {rect}");
    }
    assert_eq!(count(&rect, "withdrawn"), 1, "县审计局's: {rect}");
    // Overdue: still open after the end of its due date in Beijing.
    let overdue = app.count(
        "SELECT count(*) AS n FROM rectifications WHERE cycle_id = 5 \
         AND status IN ('owed', 'draft', 'returned') \
         AND due_on < (now() AT TIME ZONE 'Asia/Shanghai')::date",
    );
    assert_eq!(count(&rect, "overdue"), overdue);
    // The 2014 cycle in progress: nothing owed yet, and said so.
    let early = json(&app, "dashboard").await;
    let rect = early["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["key"] == "rectifications")
        .expect("the stage")
        .clone();
    assert_eq!(rect["note"], "结果尚未通报", "{rect}");
    app.stop().await;
}
