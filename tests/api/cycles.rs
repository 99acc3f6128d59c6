//! Assessment cycles: settings, lifecycle and its guards, the snapshot of units, extensions.

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::fixtures;
use crate::helpers::{TestApp, assert_problem};

async fn open_cycle(app: &TestApp, year: i32) -> Value {
    let response = app
        .post(
            "/api/v1/assessment-cycles",
            &app.office,
            &json!({"year": year}),
        )
        .await;
    assert_eq!(response.status(), 201, "open cycle {year}");
    response.json().await.expect("cycle JSON")
}

async fn transition(app: &TestApp, cycle: i64, to: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/assessment-cycles/{cycle}/transitions"),
        &app.office,
        &json!({"to": to, "note": "测试"}),
    )
    .await
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

#[tokio::test]
async fn a_new_cycle_takes_the_plans_defaults_and_default_forms() {
    let app = TestApp::spawn().await;
    let response = app
        .post(
            "/api/v1/assessment-cycles",
            &app.office,
            &json!({"year": 2014}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let cycle: Value = response.json().await.expect("json");
    assert_eq!(
        location,
        format!("/api/v1/assessment-cycles/{}", id(&cycle))
    );
    assert_eq!(cycle["state"], "draft");
    assert_eq!(cycle["title"], "2014年党风廉政建设责任制考核检查");
    assert_eq!(cycle["special_weight"], "90.00");
    assert_eq!(cycle["routine_weight"], "10.00");
    assert_eq!(cycle["rectification_line"], "75.00");
    assert_eq!(cycle["flag_margin"], "2.00");
    assert_eq!(cycle["routine_sample_towns"], 2);
    assert_eq!(cycle["routine_sample_departments"], 2);
    assert_eq!(cycle["self_inspection_due"], "2014-09-20");
    assert_eq!(cycle["special_inspection_ends"], "2014-09-30");
    assert_eq!(cycle["team_reports_due"], "2014-10-15");

    let forms: Value = app
        .get(&format!("{location}/forms"), &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(forms["total"], 2);
    let kinds: Vec<&str> = forms["items"]
        .as_array()
        .expect("forms")
        .iter()
        .map(|f| f["form_kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["county_department", "town"]);
    for form in forms["items"].as_array().expect("forms") {
        assert_eq!(form["total_points"], "100.00");
        assert!(form["items"].as_array().expect("items").len() >= 25);
    }
}

#[tokio::test]
async fn one_cycle_per_year() {
    let app = TestApp::spawn().await;
    open_cycle(&app, 2014).await;
    let again = app
        .post(
            "/api/v1/assessment-cycles",
            &app.office,
            &json!({"year": 2014}),
        )
        .await;
    assert_problem(again, 409, "cycle_year_taken").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM assessment_cycles"), 1);
}

#[tokio::test]
async fn invalid_settings_are_rejected_field_by_field() {
    let app = TestApp::spawn().await;
    let body = json!({
        "year": 2014, "special_weight": "80.00", "routine_weight": "10.00",
        "rectification_line": "75.555", "self_inspection_due": "2014-10-01"
    });
    let problem = assert_problem(
        app.post("/api/v1/assessment-cycles", &app.office, &body)
            .await,
        422,
        "validation_failed",
    )
    .await;
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["code"].as_str().unwrap_or(""))
        .collect();
    // Three decimals break the points pattern, so the value is refused as it is read.
    assert!(codes.contains(&"invalid"), "{problem}");
    assert!(
        problem["errors"][0]["field"] == "rectification_line",
        "{problem}"
    );
    let float = app
        .post(
            "/api/v1/assessment-cycles",
            &app.office,
            &json!({"year": 2014, "flag_margin": 2.5}),
        )
        .await;
    let problem = assert_problem(float, 422, "validation_failed").await;
    assert_eq!(
        problem["errors"][0]["field"], "flag_margin",
        "a JSON fraction never becomes a score"
    );
    let sum = app
        .post(
            "/api/v1/assessment-cycles",
            &app.office,
            &json!({"year": 2014, "special_weight": "80", "routine_weight": "10"}),
        )
        .await;
    let problem = assert_problem(sum, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "weights_not_100");
    assert_eq!(app.count("SELECT count(*) AS n FROM assessment_cycles"), 0);
}

#[tokio::test]
async fn only_the_office_writes_cycles_and_every_role_reads_them() {
    let app = TestApp::spawn().await;
    let cycle = open_cycle(&app, 2014).await;
    let unit = app.unit_token(1);
    let inspector = app.inspector_token();
    for token in [&unit, &inspector] {
        assert_problem(
            app.post("/api/v1/assessment-cycles", token, &json!({"year": 2015}))
                .await,
            403,
            "forbidden",
        )
        .await;
        let moved = app
            .post(
                &format!("/api/v1/assessment-cycles/{}/transitions", id(&cycle)),
                token,
                &json!({"to": "self_inspection"}),
            )
            .await;
        assert_problem(moved, 403, "forbidden").await;
        assert_eq!(
            app.get(&format!("/api/v1/assessment-cycles/{}", id(&cycle)), token)
                .await
                .status(),
            200
        );
        assert_eq!(
            app.get(
                &format!("/api/v1/assessment-cycles/{}/forms/town", id(&cycle)),
                token
            )
            .await
            .status(),
            200
        );
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM assessment_cycles WHERE state = 'draft'"),
        1
    );
}

#[tokio::test]
async fn the_lifecycle_moves_one_step_at_a_time_and_records_every_step() {
    let app = TestApp::spawn().await;
    app.create_unit("阳城镇", "town").await;
    let cycle = id(&open_cycle(&app, 2014).await);
    let states = [
        "draft",
        "self_inspection",
        "special_inspection",
        "review",
        "published",
        "archived",
    ];
    for (i, from) in states.iter().enumerate() {
        // Every state other than the next one is refused, and nothing changes.
        for (j, to) in states.iter().enumerate() {
            // The one step back, `published → review`, is tested in publication.rs.
            if j == i + 1 || (*from == "published" && *to == "review") {
                continue;
            }
            let problem =
                assert_problem(transition(&app, cycle, to).await, 409, "illegal_transition").await;
            assert!(
                problem["detail"].as_str().unwrap_or("").contains(from),
                "{problem}"
            );
            let current: Value = app
                .get(&format!("/api/v1/assessment-cycles/{cycle}"), &app.office)
                .await
                .json()
                .await
                .expect("json");
            assert_eq!(current["state"], *from);
        }
        if let Some(next) = states.get(i + 1) {
            if *next == "special_inspection" {
                crate::fixtures::team_for_every_unit(&app, cycle).await;
            }
            if *next == "published" {
                crate::publication::ready_to_publish(&app, cycle).await;
            }
            let response = transition(&app, cycle, next).await;
            assert_eq!(response.status(), 200);
            let result: Value = response.json().await.expect("json");
            assert_eq!(result["cycle"]["state"], *next);
            assert_eq!(result["transition"]["from_state"], *from);
        }
    }
    let history: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/transitions"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (history["page"].as_i64(), history["total"].as_i64()),
        (Some(1), Some(5))
    );
    let steps = history["items"].as_array().expect("history");
    assert_eq!(steps.len(), 5);
    assert_eq!(steps[0]["actor_sub"], "office-admin");
    assert_eq!(steps[0]["note"], "测试");
    assert_eq!(steps[4]["to_state"], "archived");
    assert!(steps[0]["occurred_at"].is_string());
    let second: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/transitions?page=2&per_page=2"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        second["items"],
        json!([steps[2], steps[3]]),
        "the second page of two"
    );
    assert_eq!(
        (second["page"].as_i64(), second["total"].as_i64()),
        (Some(2), Some(5))
    );
    let bad = app
        .post(
            &format!("/api/v1/assessment-cycles/{cycle}/transitions"),
            &app.office,
            &json!({"to": "finished"}),
        )
        .await;
    assert_problem(bad, 422, "validation_failed").await;
}

#[tokio::test]
async fn a_cycle_cannot_leave_draft_while_a_kind_in_scope_has_no_valid_form() {
    let app = TestApp::spawn().await;
    app.create_unit("阳山县供水有限公司", "county_enterprise")
        .await;
    let cycle = id(&open_cycle(&app, 2014).await);
    // Break form 1, which the enterprise is scored on.
    app.db.owner().batch_execute_owned(&format!(
        "UPDATE form_items SET max_points = max_points - 1 WHERE id = (
               SELECT min(i.id) FROM form_items i JOIN scoring_forms f ON f.id = i.form_id
               WHERE f.cycle_id = {cycle} AND f.form_kind = 'county_department')"
    ));
    let problem = assert_problem(
        transition(&app, cycle, "self_inspection").await,
        409,
        "cycle_forms_invalid",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or("")
            .contains("county_department"),
        "{problem}"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM cycle_units"),
        0,
        "no snapshot was taken"
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM cycle_transitions"), 0);
}

trait Exec {
    fn batch_execute_owned(&mut self, sql: &str);
}

impl Exec for diesel::PgConnection {
    fn batch_execute_owned(&mut self, sql: &str) {
        use diesel::connection::SimpleConnection;
        self.batch_execute(sql).expect("arrange");
    }
}

#[tokio::test]
async fn leaving_draft_snapshots_the_units_and_later_units_are_added_only_explicitly() {
    let app = TestApp::spawn().await;
    let town = fixtures::unit(&app, "阳城镇", "town").await.id;
    let dept = fixtures::unit(&app, "县财政局", "county_department")
        .await
        .id;
    let enterprise = fixtures::unit(&app, "阳山县供水有限公司", "county_enterprise")
        .await
        .id;
    let vertical = fixtures::unit(&app, "阳山县气象局", "vertical").await.id;
    let archived = fixtures::unit(&app, "县粮食局", "county_department")
        .await
        .id;
    app.post(
        &format!("/api/v1/units/{archived}/archive"),
        &app.office,
        &json!({}),
    )
    .await;
    let cycle = id(&open_cycle(&app, 2014).await);

    let early = app
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/assessment-cycles/{cycle}/units/{town}"),
            Some(&app.office),
        )
        .json(&json!({"status": "excluded", "reason": "测试"}))
        .send()
        .await
        .expect("send");
    assert_problem(early, 409, "cycle_in_draft").await;

    assert_eq!(
        transition(&app, cycle, "self_inspection").await.status(),
        200
    );
    let page: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/units"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 4, "archived units are not in scope");
    let find = |unit: i64| {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|u| u["unit_id"] == unit)
            .cloned()
            .expect("in snapshot")
    };
    assert_eq!(find(town)["form_kind"], "town");
    assert_eq!(find(dept)["form_kind"], "county_department");
    assert_eq!(
        find(enterprise)["form_kind"],
        "county_department",
        "enterprises use form 1 by default"
    );
    assert_eq!(find(vertical)["status"], "excluded");
    assert_eq!(find(vertical)["fallback_source"], "self_score");

    let late = fixtures::unit(&app, "县应急管理局", "county_department")
        .await
        .id;
    let after: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/units"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        after["total"], 4,
        "a unit registered later is not pulled in silently"
    );

    let put = |unit: i64, body: Value| {
        app.request(
            reqwest::Method::PUT,
            &format!("/api/v1/assessment-cycles/{cycle}/units/{unit}"),
            Some(&app.office),
        )
        .json(&body)
        .send()
    };
    let no_reason = put(late, json!({"status": "assessed"}))
        .await
        .expect("send");
    assert_problem(no_reason, 422, "validation_failed").await;
    let added = put(
        late,
        json!({"status": "assessed", "reason": "2014年8月新组建，纳入本年度考核"}),
    )
    .await
    .expect("send");
    assert_eq!(added.status(), 200);
    let added: Value = added.json().await.expect("json");
    assert_eq!(added["reason"], "2014年8月新组建，纳入本年度考核");
    assert_eq!(added["updated_by"], "office-admin");
    let vertical_assessed = put(vertical, json!({"status": "assessed", "reason": "x"}))
        .await
        .expect("send");
    assert_problem(vertical_assessed, 422, "validation_failed").await;
    let excluded = put(
        dept,
        json!({"status": "excluded", "reason": "机构改革撤并"}),
    )
    .await
    .expect("send");
    assert_eq!(excluded.status(), 200);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM cycle_units WHERE cycle_id = {cycle} AND status = 'assessed'"
        )),
        3
    );

    let unit_view: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/units"),
            &app.unit_token(town),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(unit_view["total"], 1, "a unit sees only its own place");
    let delete = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/units/{town}"),
            Some(&app.office),
        )
        .send()
        .await
        .expect("send");
    assert_problem(delete, 409, "unit_referenced").await;
}

#[tokio::test]
async fn settings_change_only_in_draft_and_due_dates_are_extended_with_a_reason() {
    let app = TestApp::spawn().await;
    let cycle = open_cycle(&app, 2014).await;
    let path = format!("/api/v1/assessment-cycles/{}", id(&cycle));
    let changed = app
        .patch(
            &path,
            &app.office,
            "\"1\"",
            &json!({"rectification_line": "70.00"}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let stale = app
        .patch(
            &path,
            &app.office,
            "\"1\"",
            &json!({"rectification_line": "60.00"}),
        )
        .await;
    assert_problem(stale, 412, "precondition_failed").await;
    let year = app
        .patch(&path, &app.office, "\"2\"", &json!({"year": 2015}))
        .await;
    assert_problem(year, 422, "validation_failed").await;

    transition(&app, id(&cycle), "self_inspection").await;
    let frozen = app
        .patch(
            &path,
            &app.office,
            "\"3\"",
            &json!({"self_inspection_due": "2014-09-25"}),
        )
        .await;
    assert_problem(frozen, 409, "cycle_not_draft").await;

    let extensions = format!("{path}/deadline-extensions");
    let no_reason = app
        .post(
            &extensions,
            &app.office,
            &json!({"deadline": "self_inspection_due", "new_date": "2014-09-25"}),
        )
        .await;
    assert_problem(no_reason, 422, "validation_failed").await;
    let earlier = app
        .post(
            &extensions,
            &app.office,
            &json!({"deadline": "self_inspection_due", "new_date": "2014-09-19", "reason": "x"}),
        )
        .await;
    let problem = assert_problem(earlier, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_later");
    let by_unit = app
        .post(
            &extensions,
            &app.unit_token(1),
            &json!({"deadline": "self_inspection_due", "new_date": "2014-09-25", "reason": "x"}),
        )
        .await;
    assert_problem(by_unit, 403, "forbidden").await;

    let reason = "受台风影响，各乡镇自查顺延5天";
    let extended = app
        .post(
            &extensions,
            &app.office,
            &json!({"deadline": "self_inspection_due", "new_date": "2014-09-25", "reason": reason}),
        )
        .await;
    assert_eq!(extended.status(), 201);
    let current: Value = app
        .get(&path, &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(current["self_inspection_due"], "2014-09-25");
    assert_eq!(current["rectification_line"], "70.00");
    let history: Value = app
        .get(&extensions, &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(history["total"], 1);
    let first = &history["items"][0];
    assert_eq!(first["old_date"], "2014-09-20");
    assert_eq!(first["new_date"], "2014-09-25");
    assert_eq!(first["reason"], reason);
    assert_eq!(first["actor_sub"], "office-admin");
}

#[tokio::test]
async fn a_province_of_twenty_thousand_units_leaves_draft_in_one_request() {
    let app = TestApp::spawn().await;
    // Bulk SQL, as bench/province.sql: one vertical unit in twenty.
    app.db
        .owner()
        .batch_execute(
            "INSERT INTO units (name, kind) SELECT '省属单位' || n, \
             CASE WHEN n % 20 = 0 THEN 'vertical' ELSE 'town' END \
             FROM generate_series(1, 20000) AS n",
        )
        .expect("bulk units");
    let cycle = id(&open_cycle(&app, 2014).await);
    let moved = transition(&app, cycle, "self_inspection").await;
    assert_eq!(
        moved.status(),
        200,
        "{}",
        moved.text().await.unwrap_or_default()
    );
    let count = |status: &str| {
        app.count(&format!(
            "SELECT count(*) AS n FROM cycle_units WHERE cycle_id = {cycle} AND status = '{status}'"
        ))
    };
    assert_eq!((count("assessed"), count("excluded")), (19_000, 1_000));
    app.stop().await;
}
