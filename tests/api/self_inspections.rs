//! Units' self-inspections and accountability reports.

use diesel::connection::SimpleConnection;
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{self, Fixture, fixture};
use crate::helpers::{TestApp, assert_problem};

fn path(f: &Fixture, unit: i64) -> String {
    f.self_inspection(unit)
}

fn full_scores(f: &Fixture) -> Vec<Value> {
    f.full_scores()
}

fn put(
    app: &TestApp,
    token: &str,
    path: &str,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::RequestBuilder {
    let mut request = app.request(Method::PUT, path, Some(token)).json(body);
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    request
}

fn rows(app: &TestApp, sql: &str) -> i64 {
    app.count(sql)
}

#[tokio::test]
async fn a_unit_saves_submits_and_the_service_computes_the_total() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    let mut scores = full_scores(&f);
    scores[0]["points"] = json!("1.50");
    let body = json!({
        "report": "2014年，我镇党委认真履行党风廉政建设主体责任。",
        "scores": scores,
        "problems": [{"problem": "廉政风险点排查不够全面", "fix": "10月底前完成", "done": false}]
    });
    let created = put(&app, &token, &path(&f, f.town), None, &body)
        .send()
        .await
        .expect("send");
    assert_eq!(created.status(), 201);
    let draft: Value = created.json().await.expect("json");
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["items_scored"], f.items.len());
    let submitted = app
        .post(&format!("{}/submit", path(&f, f.town)), &token, &json!({}))
        .await;
    assert_eq!(submitted.status(), 200);
    let submitted: Value = submitted.json().await.expect("json");
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["late"], false);
    let expected = rows(
        &app,
        &format!(
            "SELECT (sum(points) * 100)::bigint AS n FROM self_scores s \
             JOIN self_inspections i ON i.id = s.self_inspection_id WHERE i.unit_id = {}",
            f.town
        ),
    );
    let total = submitted["total"]
        .as_str()
        .expect("total")
        .replace('.', "")
        .parse::<i64>()
        .expect("number");
    assert_eq!(total, expected, "the total is the sum of the item scores");
    assert_eq!(
        rows(
            &app,
            &format!(
                "SELECT (total * 100)::bigint AS n FROM self_inspections WHERE unit_id = {}",
                f.town
            )
        ),
        expected
    );
    assert_eq!(submitted["problems"][0]["fix"], "10月底前完成");
}

#[tokio::test]
async fn scores_out_of_range_over_precise_or_off_the_form_are_rejected_and_nothing_stored() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    let (code, max) = f.items[0].clone();
    let over = format!("{}.01", max.split('.').next().unwrap_or("0"));
    for (points, expected) in [
        (json!(over), "over_max"),
        // A sign or a third decimal breaks the points pattern: refused as it is read.
        (json!("-1.00"), "invalid"),
        (json!("1.005"), "invalid"),
    ] {
        let body = json!({"scores": [{"item_code": code, "points": points}]});
        let problem = assert_problem(
            put(&app, &token, &path(&f, f.town), None, &body)
                .send()
                .await
                .expect("send"),
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["code"], expected, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "scores[0].points");
    }
    let unknown = json!({"scores": [{"item_code": "9.9", "points": "1.00"}]});
    let problem = assert_problem(
        put(&app, &token, &path(&f, f.town), None, &unknown)
            .send()
            .await
            .expect("send"),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "unknown_item");
    let float = json!({"scores": [{"item_code": code, "points": 1.5}]});
    assert_problem(
        put(&app, &token, &path(&f, f.town), None, &float)
            .send()
            .await
            .expect("send"),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(rows(&app, "SELECT count(*) AS n FROM self_inspections"), 0);
    assert_eq!(rows(&app, "SELECT count(*) AS n FROM self_scores"), 0);
}

#[tokio::test]
async fn an_incomplete_self_inspection_cannot_be_submitted() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    let partial = json!({"scores": [full_scores(&f)[0].clone()]});
    put(&app, &token, &path(&f, f.town), None, &partial)
        .send()
        .await
        .expect("send");
    let response = app
        .post(&format!("{}/submit", path(&f, f.town)), &token, &json!({}))
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    let errors = problem["errors"].as_array().expect("errors");
    assert_eq!(
        errors.len(),
        f.items.len(),
        "the report and every unscored item: {problem}"
    );
    assert_eq!(errors[0]["field"], "report");
    assert_eq!(
        rows(
            &app,
            "SELECT count(*) AS n FROM self_inspections WHERE status = 'draft'"
        ),
        1
    );
    assert_eq!(rows(&app, "SELECT count(*) AS n FROM document_versions"), 0);
}

#[tokio::test]
async fn a_submitted_self_inspection_cannot_change_until_returned_and_every_version_is_kept() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    let body = json!({"report": "第一稿", "scores": full_scores(&f)});
    put(&app, &token, &path(&f, f.town), None, &body)
        .send()
        .await
        .expect("send");
    app.post(&format!("{}/submit", path(&f, f.town)), &token, &json!({}))
        .await;

    let edit = put(
        &app,
        &token,
        &path(&f, f.town),
        Some("\"2\""),
        &json!({"report": "改动"}),
    )
    .send()
    .await
    .expect("send");
    assert_problem(edit, 409, "already_submitted").await;
    let again = app
        .post(&format!("{}/submit", path(&f, f.town)), &token, &json!({}))
        .await;
    assert_problem(again, 409, "already_submitted").await;

    let by_unit = app
        .post(
            &format!("{}/return", path(&f, f.town)),
            &token,
            &json!({"reason": "x"}),
        )
        .await;
    assert_problem(by_unit, 403, "forbidden").await;
    let no_reason = app
        .post(
            &format!("{}/return", path(&f, f.town)),
            &app.office,
            &json!({}),
        )
        .await;
    assert_problem(no_reason, 422, "validation_failed").await;
    let returned = app
        .post(
            &format!("{}/return", path(&f, f.town)),
            &app.office,
            &json!({"reason": "第2.1项请补充佐证材料"}),
        )
        .await;
    assert_eq!(returned.status(), 200);
    let returned: Value = returned.json().await.expect("json");
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["return_reason"], "第2.1项请补充佐证材料");

    let revised = put(
        &app,
        &token,
        &path(&f, f.town),
        Some(&format!("\"{}\"", returned["version"])),
        &json!({"report": "第二稿", "scores": full_scores(&f)}),
    )
    .send()
    .await
    .expect("send");
    assert_eq!(revised.status(), 200);
    assert_eq!(
        app.post(&format!("{}/submit", path(&f, f.town)), &token, &json!({}))
            .await
            .status(),
        200
    );
    let versions: Value = app
        .get(&format!("{}/versions", path(&f, f.town)), &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(versions["total"], 2, "{versions}");
    let versions = versions["items"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["content"]["report"], "第一稿");
    assert_eq!(versions[0]["return_reason"], "第2.1项请补充佐证材料");
    assert_eq!(versions[1]["content"]["report"], "第二稿");
    assert!(versions[1]["returned_at"].is_null());
}

#[tokio::test]
async fn another_units_token_sees_nothing_and_other_roles_cannot_write() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let own = app.unit_token(f.town);
    put(
        &app,
        &own,
        &path(&f, f.town),
        None,
        &json!({"report": "阳城镇自查报告"}),
    )
    .send()
    .await
    .expect("send");

    let other = app.unit_token(f.dept);
    let read = app.get(&path(&f, f.town), &other).await;
    let problem = assert_problem(read, 404, "not_found").await;
    assert!(!problem.to_string().contains("阳城镇自查报告"));
    assert_problem(
        app.get(&format!("{}/versions", path(&f, f.town)), &other)
            .await,
        404,
        "not_found",
    )
    .await;
    let write = put(
        &app,
        &other,
        &path(&f, f.town),
        None,
        &json!({"report": "篡改"}),
    )
    .send()
    .await
    .expect("send");
    assert_problem(write, 404, "not_found").await;
    for token in [app.inspector_token(), app.office.clone()] {
        let response = put(
            &app,
            &token,
            &path(&f, f.town),
            None,
            &json!({"report": "篡改"}),
        )
        .send()
        .await
        .expect("send");
        assert_problem(response, 403, "forbidden").await;
        let submit = app
            .post(&format!("{}/submit", path(&f, f.town)), &token, &json!({}))
            .await;
        assert_problem(submit, 403, "forbidden").await;
    }
    assert_eq!(
        rows(
            &app,
            "SELECT count(*) AS n FROM self_inspections WHERE report = '阳城镇自查报告'"
        ),
        1
    );
    assert_eq!(
        app.get(&path(&f, f.town), &app.office).await.status(),
        200,
        "the office reads all"
    );
}

#[tokio::test]
async fn a_submission_after_the_due_date_is_accepted_and_marked_late() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    put(
        &app,
        &token,
        &path(&f, f.town),
        None,
        &json!({"report": "自查报告", "scores": full_scores(&f)}),
    )
    .send()
    .await
    .expect("send");
    // The due date was yesterday in China.
    let yesterday = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset"))
        .date_naive()
        - chrono::Days::new(1);
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET self_inspection_due = '{yesterday}' WHERE id = {}",
            f.cycle
        ))
        .expect("arrange");
    let late: Value = app
        .post(&format!("{}/submit", path(&f, f.town)), &token, &json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(late["status"], "submitted");
    assert_eq!(late["late"], true);
    assert!(late["submitted_at"].is_string());

    // The office extends the due date to tomorrow: a resubmission is on time again.
    app.post(
        &format!("{}/return", path(&f, f.town)),
        &app.office,
        &json!({"reason": "补充材料"}),
    )
    .await;
    let tomorrow = yesterday + chrono::Days::new(2);
    let extended = app
        .post(
            &format!("/api/v1/assessment-cycles/{}/deadline-extensions", f.cycle),
            &app.office,
            &json!({"deadline": "self_inspection_due", "new_date": tomorrow.to_string(),
                    "reason": "统一延期"}),
        )
        .await;
    assert_eq!(extended.status(), 201);
    let on_time: Value = app
        .post(&format!("{}/submit", path(&f, f.town)), &token, &json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(on_time["late"], false);

    let progress: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{}/self-inspections", f.cycle),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(progress["total"], 2);
    let town = progress["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["unit_id"] == f.town)
        .cloned()
        .expect("town");
    assert_eq!(town["status"], "submitted");
    assert_eq!(town["submission_count"], 2);
    let missing: Value = app
        .get(
            &format!(
                "/api/v1/assessment-cycles/{}/self-inspections?status=missing",
                f.cycle
            ),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(missing["total"], 1);
    assert_eq!(missing["items"][0]["unit_id"], f.dept);
    assert_problem(
        app.get(
            &format!("/api/v1/assessment-cycles/{}/self-inspections", f.cycle),
            &token,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_office_records_the_paper_copy() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    put(
        &app,
        &token,
        &path(&f, f.town),
        None,
        &json!({"report": "自查报告"}),
    )
    .send()
    .await
    .expect("send");
    let by_unit = app
        .post(
            &format!("{}/paper-received", path(&f, f.town)),
            &token,
            &json!({}),
        )
        .await;
    assert_problem(by_unit, 403, "forbidden").await;
    let recorded = app
        .post(
            &format!("{}/paper-received", path(&f, f.town)),
            &app.office,
            &json!({"received_at": "2014-09-19T09:30:00+08:00"}),
        )
        .await;
    assert_eq!(recorded.status(), 200);
    let doc: Value = recorded.json().await.expect("json");
    assert_eq!(doc["paper_received_at"], "2014-09-19T01:30:00Z");
}

#[tokio::test]
async fn accountability_reports_follow_the_same_life_for_each_first_responsible_person() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    let list: Value = app
        .get(
            &format!(
                "/api/v1/assessment-cycles/{}/units/{}/accountability-reports",
                f.cycle, f.town
            ),
            &token,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(2),
        "a town's Party secretary and head"
    );
    assert_eq!(list["total"], 2, "{list}");
    let second: Value = app
        .get(
            &format!(
                "/api/v1/assessment-cycles/{}/units/{}/accountability-reports?page=2&per_page=1",
                f.cycle, f.town
            ),
            &token,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(second["total"], 2, "{second}");
    assert_eq!(
        second["items"][0]["leader_id"], list["items"][1]["leader_id"],
        "the second page holds the second first responsible person"
    );
    let report = format!(
        "/api/v1/assessment-cycles/{}/units/{}/accountability-reports/{}",
        f.cycle, f.town, f.town_leaders[0]
    );
    let empty = put(&app, &token, &report, None, &json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(empty.status(), 201);
    assert_problem(
        app.post(&format!("{report}/submit"), &token, &json!({}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    let written = put(
        &app,
        &token,
        &report,
        Some("\"1\""),
        &json!({"body": "本人作为镇党委书记、党风廉政建设第一责任人……"}),
    )
    .send()
    .await
    .expect("send");
    assert_eq!(written.status(), 200);
    let submitted: Value = app
        .post(&format!("{report}/submit"), &token, &json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["versions"].as_array().map(Vec::len), Some(1));
    let returned = app
        .post(
            &format!("{report}/return"),
            &app.office,
            &json!({"reason": "请补充个人履责情况"}),
        )
        .await;
    assert_eq!(returned.status(), 200);
    let other = app.unit_token(f.dept);
    assert_problem(
        app.get(
            &format!(
                "/api/v1/assessment-cycles/{}/units/{}/accountability-reports",
                f.cycle, f.town
            ),
            &other,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let not_first = fixtures::leader(&app, f.town, "何丽", "纪委书记", false)
        .await
        .id;
    let wrong = put(
        &app,
        &token,
        &format!(
            "/api/v1/assessment-cycles/{}/units/{}/accountability-reports/{not_first}",
            f.cycle, f.town
        ),
        None,
        &json!({"body": "x"}),
    )
    .send()
    .await
    .expect("send");
    assert_problem(wrong, 404, "not_found").await;
    assert_eq!(
        rows(&app, "SELECT count(*) AS n FROM accountability_reports"),
        1
    );
}
