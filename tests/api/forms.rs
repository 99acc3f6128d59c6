//! Scoring forms: validation, freezing, copying.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

async fn open_cycle(app: &TestApp, year: i32) -> i64 {
    let response = app
        .post(
            "/api/v1/assessment-cycles",
            &app.office,
            &json!({"year": year}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let cycle: Value = response.json().await.expect("json");
    cycle["id"].as_i64().expect("id")
}

fn item(code: &str, area: i64, max: &str) -> Value {
    json!({
        "code": code, "content_area": area, "title": "年初召开党风廉政建设工作部署会议", "max_points": max,
        "rules": [{"code": format!("{code}-R1"), "grounds": "未召开的",
                   "points": {"min": "1.00", "max": "3.00"}, "per_occurrence": true,
                   "cap": null, "evidence": "会议记录"}]
    })
}

fn put(app: &TestApp, path: &str, if_match: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
    let mut request = app
        .request(reqwest::Method::PUT, path, Some(&app.office))
        .json(body);
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    request
}

fn items_hash(app: &TestApp, cycle: i64) -> i64 {
    app.count(&format!(
        "SELECT coalesce(sum(i.max_points * 100 + i.content_area), 0)::bigint AS n
         FROM form_items i JOIN scoring_forms f ON f.id = i.form_id WHERE f.cycle_id = {cycle}"
    ))
}

#[tokio::test]
async fn the_office_adds_a_valid_enterprise_form_and_reads_it_back() {
    let app = TestApp::spawn().await;
    let cycle = open_cycle(&app, 2014).await;
    let path = format!("/api/v1/assessment-cycles/{cycle}/forms/county_enterprise");
    let items = [item("1.1", 1, "60.00"), item("2.1", 2, "40.00")];
    let body = json!({"title": "党风廉政建设责任制工作考评表（县属企业）", "items": items});
    let response = put(&app, &path, None, &body).send().await.expect("send");
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], path.as_str());
    let form: Value = app
        .get(&path, &app.unit_token(1))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(form["total_points"], "100.00");
    assert_eq!(form["items"][1]["rules"][0]["points"]["max"], "3.00");
    assert_eq!(
        form["items"][0]["title"],
        "年初召开党风廉政建设工作部署会议"
    );

    let replaced = put(&app, &path, None, &body).send().await.expect("send");
    assert_problem(replaced, 428, "precondition_required").await;
    let replaced = put(&app, &path, Some("\"1\""), &body)
        .send()
        .await
        .expect("send");
    assert_eq!(replaced.status(), 200);
    assert_eq!(replaced.headers()["etag"], "\"2\"");
}

#[tokio::test]
async fn a_form_whose_maxima_do_not_add_up_to_100_is_rejected_naming_the_sum_and_items() {
    let app = TestApp::spawn().await;
    let cycle = open_cycle(&app, 2014).await;
    let before = items_hash(&app, cycle);
    let body =
        json!({"title": "考评表", "items": [item("1.1", 1, "60.00"), item("2.1", 2, "38.50")]});
    let response = put(
        &app,
        &format!("/api/v1/assessment-cycles/{cycle}/forms/town"),
        Some("\"1\""),
        &body,
    )
    .send()
    .await
    .expect("send");
    let problem = assert_problem(response, 422, "validation_failed").await;
    let error = &problem["errors"][0];
    assert_eq!(error["code"], "sum_not_100");
    let message = error["message"].as_str().unwrap_or("");
    assert!(
        message.contains("98.50")
            && message.contains("1.1 (60.00)")
            && message.contains("2.1 (38.50)"),
        "{message}"
    );
    assert_eq!(items_hash(&app, cycle), before, "nothing changed");
}

#[tokio::test]
async fn negative_over_precise_and_unknown_area_items_are_each_named() {
    let app = TestApp::spawn().await;
    let cycle = open_cycle(&app, 2014).await;
    let before = items_hash(&app, cycle);
    // A sign or a third decimal breaks the points pattern and is refused as it is read.
    for bad in ["60.005", "-5.00"] {
        let body = json!({"title": "考评表", "items": [item("1.1", 1, bad)]});
        let path = format!("/api/v1/assessment-cycles/{cycle}/forms/town");
        let response = put(&app, &path, Some("\"1\""), &body)
            .send()
            .await
            .expect("send");
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(
            problem["errors"][0]["field"], "items[0].max_points",
            "{bad}"
        );
        assert_eq!(problem["errors"][0]["code"], "invalid", "{bad}");
    }
    let items = [
        item("1.1", 8, "60.00"),
        item("2.1", 2, "45.00"),
        item("3.1", 3, "45.00"),
    ];
    let body = json!({"title": "考评表", "items": items});
    let response = put(
        &app,
        &format!("/api/v1/assessment-cycles/{cycle}/forms/town"),
        Some("\"1\""),
        &body,
    )
    .send()
    .await
    .expect("send");
    let problem = assert_problem(response, 422, "validation_failed").await;
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        errors
            .iter()
            .any(|(f, c)| f == "items[0].content_area" && c == "unknown_content_area"),
        "{errors:?}"
    );
    let float = json!({"title": "考评表", "items": [item("1.1", 1, "100.00")]});
    let mut float_item = float.clone();
    float_item["items"][0]["max_points"] = json!(100.0);
    let response = put(
        &app,
        &format!("/api/v1/assessment-cycles/{cycle}/forms/town"),
        Some("\"1\""),
        &float_item,
    )
    .send()
    .await
    .expect("send");
    assert_problem(response, 422, "validation_failed").await;
    assert_eq!(items_hash(&app, cycle), before);
}

#[tokio::test]
async fn forms_are_frozen_once_the_cycle_leaves_draft() {
    let app = TestApp::spawn().await;
    let cycle = open_cycle(&app, 2014).await;
    let moved = app
        .post(
            &format!("/api/v1/assessment-cycles/{cycle}/transitions"),
            &app.office,
            &json!({"to": "self_inspection"}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let before = items_hash(&app, cycle);
    let body = json!({"title": "考评表", "items": [item("1.1", 1, "100.00")]});
    let response = put(
        &app,
        &format!("/api/v1/assessment-cycles/{cycle}/forms/town"),
        Some("\"1\""),
        &body,
    )
    .send()
    .await
    .expect("send");
    assert_problem(response, 409, "cycle_not_draft").await;
    let copy = app
        .post(
            &format!("/api/v1/assessment-cycles/{cycle}/forms/copy"),
            &app.office,
            &json!({"from_cycle_id": cycle}),
        )
        .await;
    assert_problem(copy, 422, "validation_failed").await;
    assert_eq!(items_hash(&app, cycle), before);
}

#[tokio::test]
async fn last_years_forms_are_copied_in_one_call() {
    let app = TestApp::spawn().await;
    let last = open_cycle(&app, 2014).await;
    let items = [item("1.1", 1, "70.00"), item("7.1", 7, "30.00")];
    let body = json!({"title": "2014年县属企业考评表", "items": items});
    put(
        &app,
        &format!("/api/v1/assessment-cycles/{last}/forms/county_enterprise"),
        None,
        &body,
    )
    .send()
    .await
    .expect("send");
    let this = open_cycle(&app, 2015).await;
    let response = app
        .post(
            &format!("/api/v1/assessment-cycles/{this}/forms/copy"),
            &app.office,
            &json!({"from_cycle_id": last}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let forms: Value = response.json().await.expect("json");
    assert_eq!(forms["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        (forms["page"].as_i64(), forms["total"].as_i64()),
        (Some(1), Some(3))
    );
    let enterprise: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{this}/forms/county_enterprise"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(enterprise["title"], "2014年县属企业考评表");
    assert_eq!(enterprise["items"][1]["code"], "7.1");
    assert_eq!(items_hash(&app, this), items_hash(&app, last));
    let by_unit = app
        .post(
            &format!("/api/v1/assessment-cycles/{this}/forms/copy"),
            &app.unit_token(1),
            &json!({"from_cycle_id": last}),
        )
        .await;
    assert_problem(by_unit, 403, "forbidden").await;
}

#[tokio::test]
async fn rule_codes_are_required_and_unique_within_an_item() {
    let app = TestApp::spawn().await;
    let cycle = open_cycle(&app, 2014).await;
    let before = items_hash(&app, cycle);
    let mut first = item("1.1", 1, "60.00");
    let rule = first["rules"][0].clone();
    first["rules"] = json!([rule.clone(), rule]);
    let mut second = item("2.1", 2, "40.00");
    second["rules"][0]
        .as_object_mut()
        .expect("rule")
        .remove("code");
    let body = json!({"title": "考评表", "items": [first, second]});
    let response = put(
        &app,
        &format!("/api/v1/assessment-cycles/{cycle}/forms/town"),
        Some("\"1\""),
        &body,
    )
    .send()
    .await
    .expect("send");
    let problem = assert_problem(response, 422, "validation_failed").await;
    let errors = problem["errors"].as_array().expect("errors");
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == "items[0].rules[1].code" && e["code"] == "duplicate"),
        "{problem}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e["field"] == "items[1].rules[0].code"),
        "{problem}"
    );
    assert_eq!(items_hash(&app, cycle), before, "nothing changed");
}

#[tokio::test]
async fn the_default_forms_give_every_rule_a_code_after_its_item() {
    let app = TestApp::spawn().await;
    let cycle = open_cycle(&app, 2014).await;
    let form: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/forms/town"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    for item in form["items"].as_array().expect("items") {
        for (n, rule) in item["rules"].as_array().expect("rules").iter().enumerate() {
            assert_eq!(
                rule["code"],
                format!("{}-R{}", item["code"].as_str().expect("code"), n + 1)
            );
        }
    }
}

#[tokio::test]
async fn the_rule_code_migration_numbers_existing_rules_and_rewrites_citations_and_reverts() {
    use diesel::connection::SimpleConnection;
    use diesel_migrations::MigrationHarness;
    let app = TestApp::spawn().await;
    let cycle = open_cycle(&app, 2014).await;
    let mut owner = app.db.owner();
    // Later migrations are reverted first, down to the rule codes, and all re-run below.
    loop {
        let version = owner
            .revert_last_migration(lianzheng::db::MIGRATIONS)
            .expect("revert the migrations down to the rule codes");
        if version.to_string().replace('-', "") == "20261127000007" {
            break;
        }
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM form_items WHERE rules -> 0 ? 'code'"),
        0,
        "down removes the codes"
    );
    owner
        .batch_execute(&format!(
            "INSERT INTO units (name, kind) VALUES ('阳城镇', 'town');
             INSERT INTO cycle_units (cycle_id, unit_id, status, form_kind, updated_by)
               SELECT {cycle}, id, 'assessed', 'town', 'x' FROM units WHERE name = '阳城镇';
             INSERT INTO scoring_records (cycle_id, unit_id)
               SELECT {cycle}, id FROM units WHERE name = '阳城镇';
             INSERT INTO record_items (record_id, item_code, deductions, points, updated_by)
               SELECT id, '1.1', '[{{\"rule\": 1, \"occurrences\": 1, \"points\": \"1.00\",
                 \"kind\": \"other\"}}, {{\"rule\": null, \"occurrences\": 1,
                 \"points\": \"1.00\", \"grounds\": \"g\", \"kind\": \"other\"}}]', 1, 'x'
               FROM scoring_records"
        ))
        .expect("arrange an old sheet");
    owner
        .run_pending_migrations(lianzheng::db::MIGRATIONS)
        .expect("migrate again");
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM form_items
              WHERE rules -> 0 ->> 'code' = code || '-R1'"
        ),
        app.count("SELECT count(*) AS n FROM form_items"),
        "every first rule is <item>-R1"
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM record_items
              WHERE deductions -> 0 ->> 'rule_code' = '1.1-R2'
                AND deductions -> 1 -> 'rule_code' = 'null'::jsonb
                AND NOT deductions -> 0 ? 'rule'"
        ),
        1
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM signatures WHERE canonical_version <> 1"),
        0
    );
}
