//! Results (issue 15, part 1): totals, lines, ranks, bands, vetoes, fallbacks, who sees what,
//! and a fixed number of statements whatever the county's size. The hand-computed cases are
//! written as rows in SQL (final sheets with chosen totals, routine scores) on the fixture's
//! cycle, with the default weights 90/10 and line 75.00.

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use lianzheng::auth::{AuthUser, Role};
use lianzheng::models::CycleId;

use crate::fixtures::{self, fixture};
use crate::helpers::{TestApp, assert_problem};

/// Runs `sql` as the owner.
fn exec(app: &TestApp, sql: &str) {
    diesel::sql_query(sql)
        .execute(&mut app.db.owner())
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// One id returned by `sql`.
fn id_of(app: &TestApp, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    diesel::sql_query(sql)
        .get_result::<Id>(&mut app.db.owner())
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .id
}

/// The sheet of `unit` in `cycle` with `status`, its items written so that its total is
/// `total` (deductions taken from the items in order; the form's maxima add up to 100).
fn sheet(app: &TestApp, cycle: i64, unit: i64, status: &str, total: &str) {
    let record = id_of(
        app,
        &format!(
            "INSERT INTO scoring_records (cycle_id, unit_id, status) \
             VALUES ({cycle}, {unit}, '{status}') RETURNING id"
        ),
    );
    exec(
        app,
        &format!(
            "INSERT INTO record_items (record_id, item_code, points, updated_by) \
             SELECT {record}, code, max_points - least(max_points, greatest(0, \
                    (100 - {total}::numeric) - coalesce(sum(max_points) OVER (ORDER BY position \
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))), 'test' \
               FROM form_items WHERE form_id = (SELECT sf.id FROM scoring_forms sf \
                    JOIN cycle_units cu ON cu.form_kind = sf.form_kind \
                    AND cu.cycle_id = sf.cycle_id \
                   WHERE sf.cycle_id = {cycle} AND cu.unit_id = {unit})"
        ),
    );
}

/// A unit of `kind` assessed in `cycle`, with a final sheet totalling `special` and a
/// routine score `routine` where given.
fn scored(
    app: &TestApp,
    cycle: i64,
    name: &str,
    kind: &str,
    special: Option<&str>,
    routine: Option<&str>,
) -> i64 {
    let form = if kind == "town" {
        "town"
    } else {
        "county_department"
    };
    let unit = id_of(
        app,
        &format!("INSERT INTO units (name, kind) VALUES ('{name}', '{kind}') RETURNING id"),
    );
    exec(
        app,
        &format!(
            "INSERT INTO cycle_units (cycle_id, unit_id, status, form_kind, updated_by) \
             VALUES ({cycle}, {unit}, 'assessed', '{form}', 'test')"
        ),
    );
    if let Some(total) = special {
        sheet(app, cycle, unit, "final", total);
    }
    if let Some(score) = routine {
        exec(
            app,
            &format!(
                "INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by) \
                 VALUES ({cycle}, {unit}, {score}, '日常考核', 'test')"
            ),
        );
    }
    unit
}

fn set_state(app: &TestApp, cycle: i64, state: &str) {
    exec(
        app,
        &format!("UPDATE assessment_cycles SET state = '{state}' WHERE id = {cycle}"),
    );
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(got, status, "{body}");
    body
}

async fn put(app: &TestApp, path: &str, token: &str, etag: &str, body: Value) -> reqwest::Response {
    app.request(Method::PUT, path, Some(token))
        .header("If-Match", etag)
        .json(&body)
        .send()
        .await
        .expect("PUT")
}

/// The results' paths in `cycle`.
fn results(cycle: i64) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/results?per_page=100")
}

fn result(cycle: i64, unit: i64) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/units/{unit}/result")
}

/// The hand-computed county: five towns and three departments beside the fixture's own two.
struct County {
    cycle: i64,
    /// 90.00 × 0.9 + 9.00 = 90.00.
    top_a: i64,
    /// 91.00 × 0.9 + 8.10 = 90.00: tied with `top_a`.
    top_b: i64,
    /// 80.00 × 0.9 + 3.00 = 75.00 exactly: owes.
    on_line: i64,
    /// 72.55 × 0.9 + 9.70 = 74.995, rounded half-up to 75.00: owes.
    rounds_onto: i64,
    /// 72.54 × 0.9 + 9.70 = 74.986, rounded to 74.99.
    below: i64,
    /// 80.01 × 0.9 + 3.00 = 75.009, rounded to 75.01: does not owe.
    above: i64,
    /// A department whose sheet is open (its untouched items would show 100.00).
    open_sheet: i64,
    /// A department with a final sheet and no routine score.
    no_routine: i64,
}

async fn county(app: &TestApp) -> County {
    let f = fixture(app).await;
    let c = f.cycle;
    let county = County {
        cycle: c,
        top_a: scored(app, c, "甲镇", "town", Some("90.00"), Some("9.00")),
        top_b: scored(app, c, "乙镇", "town", Some("91.00"), Some("8.10")),
        on_line: scored(app, c, "丙镇", "town", Some("80.00"), Some("3.00")),
        rounds_onto: scored(app, c, "丁镇", "town", Some("72.55"), Some("9.70")),
        below: scored(app, c, "戊镇", "town", Some("72.54"), Some("9.70")),
        above: scored(
            app,
            c,
            "县甲局",
            "county_department",
            Some("80.01"),
            Some("3.00"),
        ),
        open_sheet: scored(app, c, "县乙局", "county_department", None, Some("9.00")),
        no_routine: scored(app, c, "县丙局", "county_department", Some("95.00"), None),
    };
    sheet(app, c, county.open_sheet, "open", "100");
    county
}

fn find(items: &[Value], unit: i64) -> &Value {
    items
        .iter()
        .find(|r| r["unit_id"] == unit)
        .unwrap_or_else(|| panic!("unit {unit} in {items:?}"))
}

#[tokio::test]
async fn totals_lines_and_ranks_match_the_hand_computed_cases() {
    let app = TestApp::spawn().await;
    let k = county(&app).await;
    let page = json_of(app.get(&results(k.cycle), &app.office).await, 200).await;
    let items = page["items"].as_array().expect("items");
    let row = |unit| find(items, unit);
    let expect = [
        (k.top_a, "90.00", false, 1, 1),
        (k.top_b, "90.00", false, 1, 1),
        (k.above, "75.01", false, 1, 3),
        (k.on_line, "75.00", true, 3, 4),
        (k.rounds_onto, "75.00", true, 3, 4),
        (k.below, "74.99", true, 5, 6),
    ];
    for (unit, total, owes, in_kind, overall) in expect {
        let r = row(unit);
        assert_eq!(r["status"], "complete", "{r}");
        assert_eq!(r["total"], total, "{r}");
        assert_eq!(r["owes_rectification"], owes, "{r}");
        assert_eq!(r["rank_in_kind"], in_kind, "{r}");
        assert_eq!(r["rank_overall"], overall, "{r}");
        assert_eq!(r["missing"], json!([]));
    }
    assert_eq!(row(k.rounds_onto)["special_score"], "72.55");
    assert_eq!(row(k.rounds_onto)["routine_score"], "9.70");
    // Ranked units first, by rank; the incomplete ones after, without a number or a rank.
    let order: Vec<i64> = items
        .iter()
        .take(6)
        .map(|r| r["unit_id"].as_i64().expect("id"))
        .collect();
    assert_eq!(&order[2..], &[k.above, k.on_line, k.rounds_onto, k.below]);
    let open = row(k.open_sheet);
    assert_eq!(open["status"], "incomplete");
    assert_eq!(open["missing"], json!(["sheet_not_final"]));
    assert_eq!(open["total"], Value::Null);
    assert_eq!(open["special_score"], Value::Null);
    assert_eq!(open["rank_overall"], Value::Null);
    assert_eq!(open["owes_rectification"], Value::Null);
    assert_eq!(
        row(k.no_routine)["missing"],
        json!(["routine_score_missing"])
    );
    let f_town = items
        .iter()
        .find(|r| r["unit_name"] == "阳城镇")
        .expect("the fixture's town");
    assert_eq!(
        f_town["missing"],
        json!(["sheet_not_final", "routine_score_missing"])
    );
    assert_eq!(page["total"], 10);
    // The open sheet itself shows 100.00 (its untouched items at their maxima): the results
    // never take that for a score.
    let sheet: Value = json_of(
        app.get(
            &format!(
                "/api/v1/assessment-cycles/{}/units/{}/scoring-record",
                k.cycle, k.open_sheet
            ),
            &app.office,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(sheet["total"], "100.00");

    // The kind filter keeps the ranks among all units.
    let towns = json_of(
        app.get(
            &format!("{}&kind=county_department", results(k.cycle)),
            &app.office,
        )
        .await,
        200,
    )
    .await;
    let dept = find(towns["items"].as_array().expect("items"), k.above);
    assert_eq!(dept["rank_overall"], 3);
    assert_eq!(towns["total"], 4);
    // One unit's result is the same as its row.
    let one = json_of(app.get(&result(k.cycle, k.on_line), &app.office).await, 200).await;
    assert_eq!(&one, row(k.on_line));
}

#[tokio::test]
async fn other_weights_and_lines_of_the_cycle_are_used() {
    let app = TestApp::spawn().await;
    let k = county(&app).await;
    exec(
        &app,
        &format!(
            "UPDATE assessment_cycles SET special_weight = 80, routine_weight = 20, \
             rectification_line = 80 WHERE id = {}",
            k.cycle
        ),
    );
    // 72.55 × 80/100 + 9.70 × 20/10 = 58.04 + 19.40 = 77.44; 90 × 0.8 + 9 × 2 = 90.00.
    let one = json_of(
        app.get(&result(k.cycle, k.rounds_onto), &app.office).await,
        200,
    )
    .await;
    assert_eq!(one["total"], "77.44");
    assert_eq!(one["owes_rectification"], true);
    let top = json_of(app.get(&result(k.cycle, k.top_a), &app.office).await, 200).await;
    assert_eq!(top["total"], "90.00");
    assert_eq!(top["owes_rectification"], false);
}

#[tokio::test]
async fn bands_cover_the_totals_and_a_veto_caps_one() {
    let app = TestApp::spawn().await;
    let k = county(&app).await;
    let settings = format!("/api/v1/assessment-cycles/{}/result-settings", k.cycle);
    let bands = json!({"bands": [
        {"name": "较差", "lower_bound": "0"}, {"name": "一般", "lower_bound": "60"},
        {"name": "良好", "lower_bound": "75.01"}, {"name": "优秀", "lower_bound": "90"}
    ]});
    // Without a band at 0 they would not cover 0 to 100: refused, nothing changed.
    let gap = json!({"bands": [{"name": "优秀", "lower_bound": "90"}]});
    let refused = assert_problem(
        put(
            &app,
            &format!("{settings}/bands"),
            &app.office,
            "\"1\"",
            gap,
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "not_covering");
    assert_eq!(app.count("SELECT count(*) AS n FROM grade_bands"), 0);
    json_of(
        put(
            &app,
            &format!("{settings}/bands"),
            &app.office,
            "\"1\"",
            bands,
        )
        .await,
        200,
    )
    .await;
    // A veto is off by default: recording one is refused.
    let veto = json!({"unit_id": k.top_a, "reason": "镇党委书记因受贿被开除党籍",
                      "document_ref": "阳纪发〔2014〕9号"});
    let vetoes = format!("/api/v1/assessment-cycles/{}/vetoes", k.cycle);
    assert_problem(
        app.post(&vetoes, &app.office, &veto).await,
        409,
        "veto_not_enabled",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM veto_events"), 0);
    let enable = json!({"publication_scope": "own", "units_see_leader_grades": false,
                        "veto_enabled": true, "veto_band": "一般"});
    json_of(
        put(&app, &settings, &app.office, "\"2\"", enable).await,
        200,
    )
    .await;
    let created = json_of(app.post(&vetoes, &app.office, &veto).await, 201).await;
    assert_eq!(created["document_ref"], "阳纪发〔2014〕9号");
    // The list keeps one unit's events when asked.
    for (unit, expected) in [(k.top_a, 1), (k.top_b, 0)] {
        let filtered = format!("{vetoes}?unit_id={unit}");
        let page = json_of(app.get(&filtered, &app.office).await, 200).await;
        assert_eq!(page["items"].as_array().map(Vec::len), Some(expected));
    }

    let page = json_of(app.get(&results(k.cycle), &app.office).await, 200).await;
    let items = page["items"].as_array().expect("items");
    let a = find(items, k.top_a);
    assert_eq!(
        (a["band"].clone(), a["vetoed"].clone()),
        (json!("一般"), json!(true))
    );
    assert_eq!(a["band_capped"], true);
    // The veto changes the band alone: the total and the rank stay.
    assert_eq!(
        (a["total"].clone(), a["rank_overall"].clone()),
        (json!("90.00"), json!(1))
    );
    assert_eq!(find(items, k.top_b)["band"], "优秀");
    assert_eq!(find(items, k.above)["band"], "良好");
    assert_eq!(find(items, k.on_line)["band"], "一般");
    assert_eq!(find(items, k.open_sheet)["band"], Value::Null);
    // The cap must stay a band.
    let without_cap = json!({"bands": [{"name": "合格", "lower_bound": "0"}]});
    let refused = assert_problem(
        put(
            &app,
            &format!("{settings}/bands"),
            &app.office,
            "\"3\"",
            without_cap,
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "veto_band_missing");
    assert_eq!(app.count("SELECT count(*) AS n FROM grade_bands"), 4);
    // Switched off, the event stays on record and caps nothing.
    let disable = json!({"publication_scope": "own", "units_see_leader_grades": false,
                         "veto_enabled": false, "veto_band": "一般"});
    json_of(
        put(&app, &settings, &app.office, "\"3\"", disable).await,
        200,
    )
    .await;
    let a = json_of(app.get(&result(k.cycle, k.top_a), &app.office).await, 200).await;
    assert_eq!(
        (a["band"].clone(), a["vetoed"].clone()),
        (json!("优秀"), json!(false))
    );
}

#[tokio::test]
async fn vertical_units_take_a_fallback_from_either_source_and_are_never_ranked() {
    let app = TestApp::spawn().await;
    let tax = fixtures::unit(&app, "阳山县国家税务局", "vertical")
        .await
        .id;
    let weather = fixtures::unit(&app, "阳山县气象局", "vertical").await.id;
    let bank = fixtures::unit(&app, "中国人民银行阳山县支行", "vertical")
        .await
        .id;
    let k = county(&app).await;
    let path = |unit: i64| {
        format!(
            "/api/v1/assessment-cycles/{}/units/{unit}/fallback-result",
            k.cycle
        )
    };
    let sent = [
        (
            tax,
            "86.50",
            "superior_assessment",
            "韶关市税务局韶税发〔2014〕88号",
        ),
        (
            weather,
            "92.00",
            "self_score",
            "阳山县气象局2014年度自查报告",
        ),
    ];
    for (unit, value, source, document_ref) in sent {
        let body = json!({"value": value, "source": source, "document_ref": document_ref});
        let response = app
            .request(Method::PUT, &path(unit), Some(&app.office))
            .json(&body)
            .send()
            .await
            .expect("PUT");
        let view = json_of(response, 201).await;
        assert_eq!(
            (view["value"].clone(), view["source"].clone()),
            (json!(value), json!(source))
        );
        let own = json_of(app.get(&result(k.cycle, unit), &app.office).await, 200).await;
        assert_eq!(own["status"], "fallback");
        assert_eq!(own["total"], value);
        assert_eq!(own["fallback"]["source"], source);
        assert_eq!(own["fallback"]["document_ref"], document_ref);
        assert_eq!(own["rank_overall"], Value::Null);
        assert_eq!(own["owes_rectification"], Value::Null);
    }
    // Not listed with the ranked units, and not required: the others' ranks are unchanged.
    let page = json_of(app.get(&results(k.cycle), &app.office).await, 200).await;
    let items = page["items"].as_array().expect("items");
    assert!(
        items
            .iter()
            .all(|r| r["unit_id"] != tax && r["unit_id"] != weather)
    );
    assert_eq!(find(items, k.below)["rank_overall"], 6);
    let listed = json_of(
        app.get(
            &format!("/api/v1/assessment-cycles/{}/fallback-results", k.cycle),
            &app.office,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(listed["total"], 2);
    // A vertical unit without one has no result; an assessed unit takes no fallback.
    assert_problem(
        app.get(&result(k.cycle, bank), &app.office).await,
        404,
        "not_found",
    )
    .await;
    let body = json!({"value": "80", "source": "self_score", "document_ref": "文件"});
    let response = app
        .request(Method::PUT, &path(k.top_a), Some(&app.office))
        .json(&body)
        .send()
        .await
        .expect("PUT");
    assert_problem(response, 404, "not_found").await;
    // Replacing needs If-Match; over 100 is refused; nothing changes.
    let response = app
        .request(Method::PUT, &path(tax), Some(&app.office))
        .json(&json!({"value": "87", "source": "self_score", "document_ref": "文件"}))
        .send()
        .await
        .expect("PUT");
    assert_problem(response, 428, "precondition_required").await;
    let over = json!({"value": "100.01", "source": "self_score", "document_ref": "文件"});
    assert_problem(
        put(&app, &path(tax), &app.office, "\"1\"", over).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM fallback_results WHERE unit_id = {tax} \
             AND value = 86.50 AND version = 1"
        )),
        1
    );
}

/// A leader of `unit` with a final grade in `cycle`.
fn graded_leader(app: &TestApp, cycle: i64, unit: i64, name: &str, grade: &str) {
    let leader = id_of(
        app,
        &format!(
            "INSERT INTO leaders (unit_id, name, position, is_first_responsible) \
             VALUES ({unit}, '{name}', '党委书记', true) RETURNING id"
        ),
    );
    exec(
        app,
        &format!(
            "INSERT INTO leader_grades (cycle_id, unit_id, leader_id, leader_name, grade, \
             reason, set_by, set_by_name) VALUES ({cycle}, {unit}, {leader}, '{name}', \
             '{grade}', '日常了解', 'office-admin', '办公室')"
        ),
    );
}

/// Every row of the tables a refused call might touch, as text.
fn snapshot(app: &TestApp) -> String {
    #[derive(QueryableByName)]
    struct Dump {
        #[diesel(sql_type = diesel::sql_types::Text)]
        dump: String,
    }
    let tables = [
        "assessment_cycles",
        "result_settings",
        "grade_bands",
        "veto_events",
        "fallback_results",
        "scoring_records",
        "routine_scores",
        "leader_grades",
        "audit_log",
    ];
    tables
        .iter()
        .map(|t| {
            diesel::sql_query(format!(
                "SELECT coalesce(string_agg(t::text, '|' ORDER BY t::text), '') AS dump \
                 FROM {t} t"
            ))
            .get_result::<Dump>(&mut app.db.owner())
            .expect("dump")
            .dump
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn before_publication_results_sheets_and_reports_are_the_offices_alone() {
    let app = TestApp::spawn().await;
    let k = county(&app).await;
    let team = id_of(
        &app,
        &format!(
            "INSERT INTO inspection_teams (cycle_id, name, leader_sub, leader_name) \
             VALUES ({}, '第一考核组', 'insp-a', '组长') RETURNING id",
            k.cycle
        ),
    );
    exec(
        &app,
        &format!(
            "INSERT INTO team_units (cycle_id, unit_id, team_id) VALUES ({}, {}, {team})",
            k.cycle, k.top_a
        ),
    );
    let own = app.unit_token(k.top_a);
    let inspector = app.token(Role::Inspector, "insp-a", None);
    let before = snapshot(&app);
    for state in ["self_inspection", "special_inspection", "review"] {
        set_state(&app, k.cycle, state);
        let before = snapshot(&app);
        assert_problem(
            app.get(&result(k.cycle, k.top_a), &own).await,
            403,
            "not_published",
        )
        .await;
        assert_problem(
            app.get(&result(k.cycle, k.top_b), &own).await,
            404,
            "not_found",
        )
        .await;
        assert_problem(app.get(&results(k.cycle), &own).await, 403, "not_published").await;
        assert_problem(
            app.get(&result(k.cycle, k.top_a), &inspector).await,
            404,
            "not_found",
        )
        .await;
        assert_problem(
            app.get(&results(k.cycle), &inspector).await,
            404,
            "not_found",
        )
        .await;
        for document in ["scoring-record", "team-report"] {
            let path = |unit: i64| {
                format!(
                    "/api/v1/assessment-cycles/{}/units/{unit}/{document}",
                    k.cycle
                )
            };
            assert_problem(app.get(&path(k.top_a), &own).await, 403, "not_published").await;
            assert_problem(app.get(&path(k.top_b), &own).await, 404, "not_found").await;
        }
        assert_eq!(snapshot(&app), before, "nothing changed in {state}");
    }
    // Office-only writes: a unit and an inspector are refused and nothing changes.
    let settings = format!("/api/v1/assessment-cycles/{}/result-settings", k.cycle);
    let body = json!({"publication_scope": "all", "units_see_leader_grades": true,
                      "veto_enabled": false});
    for token in [&own, &inspector] {
        assert_problem(
            put(&app, &settings, token, "\"1\"", body.clone()).await,
            403,
            "forbidden",
        )
        .await;
    }
    set_state(&app, k.cycle, "self_inspection");
    assert_eq!(snapshot(&app), before);
}

#[tokio::test]
async fn after_publication_a_unit_sees_what_the_scope_grants_and_no_more() {
    let app = TestApp::spawn().await;
    let k = county(&app).await;
    graded_leader(&app, k.cycle, k.top_a, "张书记", "good");
    graded_leader(&app, k.cycle, k.top_b, "李书记", "fairly_good");
    let team = id_of(
        &app,
        &format!(
            "INSERT INTO inspection_teams (cycle_id, name, leader_sub, leader_name) \
             VALUES ({}, '第一考核组', 'insp-a', '组长') RETURNING id",
            k.cycle
        ),
    );
    exec(
        &app,
        &format!(
            "INSERT INTO team_units (cycle_id, unit_id, team_id) VALUES ({}, {}, {team})",
            k.cycle, k.top_a
        ),
    );
    let own = app.unit_token(k.top_a);
    let inspector = app.token(Role::Inspector, "insp-a", None);
    let stranger = app.token(Role::Inspector, "insp-b", None);
    let settings = format!("/api/v1/assessment-cycles/{}/result-settings", k.cycle);
    let mut version = 1;
    let mut publish_with = |scope: &'static str, grades: bool| {
        let body = json!({"publication_scope": scope, "units_see_leader_grades": grades,
                          "veto_enabled": false});
        let tag = format!("\"{version}\"");
        version += 1;
        (body, tag)
    };

    // Default: its own result only, without its leaders' grades.
    set_state(&app, k.cycle, "published");
    let mine = json_of(app.get(&result(k.cycle, k.top_a), &own).await, 200).await;
    assert_eq!(mine["total"], "90.00");
    assert_eq!(mine["leader_grades"], Value::Null);
    let office_view = json_of(app.get(&result(k.cycle, k.top_a), &app.office).await, 200).await;
    assert_eq!(office_view["leader_grades"][0]["grade"], "good");
    assert_problem(
        app.get(&result(k.cycle, k.top_b), &own).await,
        404,
        "not_found",
    )
    .await;
    let page = json_of(app.get(&results(k.cycle), &own).await, 200).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["rank_overall"], 1);
    // Its sheet and its team's report now read, another's not.
    let sheet = |unit: i64| {
        format!(
            "/api/v1/assessment-cycles/{}/units/{unit}/scoring-record",
            k.cycle
        )
    };
    json_of(app.get(&sheet(k.top_a), &own).await, 200).await;
    assert_problem(app.get(&sheet(k.top_b), &own).await, 404, "not_found").await;
    // The inspector sees its team's unit only; another inspector nothing.
    let seen = json_of(app.get(&results(k.cycle), &inspector).await, 200).await;
    assert_eq!(seen["total"], 1);
    assert_eq!(seen["items"][0]["unit_id"], k.top_a);
    json_of(app.get(&result(k.cycle, k.top_a), &inspector).await, 200).await;
    assert_problem(
        app.get(&result(k.cycle, k.top_b), &inspector).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&result(k.cycle, k.top_a), &stranger).await,
        404,
        "not_found",
    )
    .await;
    // Published: the settings are frozen.
    let (body, tag) = publish_with("kind", true);
    let before = snapshot(&app);
    assert_problem(
        put(&app, &settings, &app.office, &tag, body.clone()).await,
        409,
        "cycle_published",
    )
    .await;
    assert_eq!(snapshot(&app), before);

    // The ranking of its kind, with its own leaders' grades.
    set_state(&app, k.cycle, "review");
    json_of(put(&app, &settings, &app.office, &tag, body).await, 200).await;
    set_state(&app, k.cycle, "published");
    let page = json_of(app.get(&results(k.cycle), &own).await, 200).await;
    let items = page["items"].as_array().expect("items");
    assert!(items.iter().all(|r| r["unit_kind"] == "town"), "{items:?}");
    assert_eq!(page["total"], 6);
    assert_eq!(find(items, k.top_a)["leader_grades"][0]["grade"], "good");
    assert_eq!(find(items, k.top_b)["leader_grades"], Value::Null);
    let other = json_of(app.get(&result(k.cycle, k.top_b), &own).await, 200).await;
    assert_eq!(other["leader_grades"], Value::Null);
    assert_problem(
        app.get(&result(k.cycle, k.above), &own).await,
        404,
        "not_found",
    )
    .await;

    // The full ranking, leader grades hidden again.
    let (body, tag) = publish_with("all", false);
    set_state(&app, k.cycle, "review");
    json_of(put(&app, &settings, &app.office, &tag, body).await, 200).await;
    set_state(&app, k.cycle, "archived");
    let page = json_of(app.get(&results(k.cycle), &own).await, 200).await;
    assert_eq!(page["total"], 10);
    assert!(
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|r| r["leader_grades"].is_null())
    );
    json_of(app.get(&result(k.cycle, k.above), &own).await, 200).await;
}

#[tokio::test]
async fn vetoes_and_fallbacks_are_frozen_once_published() {
    let app = TestApp::spawn_demo().await;
    set_state(&app, 1, "published");
    let before = snapshot(&app);
    let vetoes = "/api/v1/assessment-cycles/1/vetoes";
    let veto = json!({"unit_id": 9, "reason": "受贿", "document_ref": "阳纪发〔2014〕30号"});
    assert_problem(
        app.post(vetoes, &app.office, &veto).await,
        409,
        "cycle_published",
    )
    .await;
    let delete = app
        .request(Method::DELETE, &format!("{vetoes}/1"), Some(&app.office))
        .send()
        .await
        .expect("DELETE");
    assert_problem(delete, 409, "cycle_published").await;
    let fallback = "/api/v1/assessment-cycles/1/units/79/fallback-result";
    let body = json!({"value": "80", "source": "self_score", "document_ref": "文件"});
    assert_problem(
        put(&app, fallback, &app.office, "\"1\"", body).await,
        409,
        "cycle_published",
    )
    .await;
    let bands = json!({"bands": [{"name": "合格", "lower_bound": "0"}]});
    assert_problem(
        put(
            &app,
            "/api/v1/assessment-cycles/1/result-settings/bands",
            &app.office,
            "\"3\"",
            bands,
        )
        .await,
        409,
        "cycle_published",
    )
    .await;
    assert_eq!(snapshot(&app), before);
    // The demo's veto caps 县委办公室's band, whose sheet is final.
    let vetoed = json_of(app.get(&result(1, 14), &app.office).await, 200).await;
    assert_eq!(vetoed["vetoed"], true);
    app.stop().await;
}

/// How many statements `ops::results::for_cycle` runs on `conn`, and how many units it returns.
fn statements(conn: &mut PgConnection) -> (usize, usize) {
    let (count, results) = crate::statements::statements(conn, |conn| {
        lianzheng::ops::results::for_cycle(conn, CycleId(1), &Default::default())
    });
    (count, results.expect("results").units.len())
}

#[tokio::test]
async fn the_results_run_as_many_statements_for_300_units_as_for_30() {
    let app = TestApp::spawn_demo().await;
    let mut conn = app.db.owner();
    let (base, base_units) = statements(&mut conn);
    fixtures::add_graded_units(&mut conn, 1, 30, 1);
    let (small, small_units) = statements(&mut conn);
    fixtures::add_graded_units(&mut conn, 1, 270, 31);
    let (large, large_units) = statements(&mut conn);
    assert_eq!(small_units, base_units + 30);
    assert_eq!(large_units, base_units + 300);
    assert_eq!(small, large, "statements for 30 and for 300 units");
    assert_eq!(base, small);
    assert!(small <= 6, "a fixed small number: {small}");
    // The bulk units are all ranked (full marks and a routine score each).
    let ranked = app
        .count("SELECT count(*) AS n FROM scoring_records WHERE cycle_id = 1 AND status = 'final'");
    assert!(ranked >= 300);
    let user = AuthUser {
        sub: "office-admin".into(),
        name: "办公室".into(),
        role: Role::Office,
        unit_id: None,
        request_id: None,
    };
    let (listed, total) =
        lianzheng::ops::results::list(&mut conn, &user, CycleId(1), None, None).expect("list");
    assert_eq!(listed.len(), large_units);
    assert_eq!(usize::try_from(total).expect("a count"), large_units);
    assert!(listed.iter().filter(|r| r.rank_overall.is_some()).count() >= 300);
    app.stop().await;
}

/// Planner statistics lag a bulk load until autovacuum's next ANALYZE (here switched off on the
/// tables, so none runs). 2,000 units loaded at once into the demo cycle, and their results read
/// before any ANALYZE: they answer, all of them ranked, within a 2 s statement timeout. (The
/// statement that joined the grouped sheets to the units took 9 to 15 s here, and answered 503.)
#[tokio::test]
async fn the_results_of_a_bulk_load_answer_before_the_planner_has_statistics() {
    let app = TestApp::spawn_demo_at_with(chrono::Utc::now(), |settings| {
        settings.statement_timeout = std::time::Duration::from_secs(2);
    })
    .await;
    let mut conn = app.db.owner();
    for table in [
        "units",
        "cycle_units",
        "scoring_records",
        "record_items",
        "form_items",
        "routine_scores",
        "leaders",
        "leader_grades",
    ] {
        exec(
            &app,
            &format!("ALTER TABLE {table} SET (autovacuum_enabled = false)"),
        );
    }
    fixtures::add_graded_units(&mut conn, 1, 2000, 1);
    let page = json_of(
        app.get(
            "/api/v1/assessment-cycles/1/results?per_page=1",
            &app.office,
        )
        .await,
        200,
    )
    .await;
    let assessed = app
        .count("SELECT count(*) AS n FROM cycle_units WHERE cycle_id = 1 AND status = 'assessed'");
    assert_eq!(page["total"], assessed);
    assert!(assessed >= 2000);
    // The ranked bulk units (full marks and a routine score each) lead the ranking.
    assert_eq!(page["items"][0]["rank_overall"], 1);
    app.stop().await;
}
