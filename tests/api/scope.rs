//! Inspectors' scope is per cycle: a team reaches a unit's documents only in the cycle in which
//! it holds the unit, and the unit's registry record only while that cycle is not archived.

use diesel::connection::SimpleConnection;
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{self, assigned, cycle_in_self_inspection, fixture};
use crate::helpers::{TestApp, assert_problem};
use lianzheng::auth::Role;

/// The 2014 team (leader `insp-1-leader`, member `insp-1-b`) holds the town and the department
/// in 2014; in 2015 a new team (leader `insp-new`) holds the town and another team (leader
/// `insp-dept`) the department. The town submitted a self-inspection and its secretary's
/// accountability report, each with an attachment, in both years.
struct TwoYears {
    y2014: i64,
    y2015: i64,
    town: i64,
    dept: i64,
    secretary: i64,
    /// Per year (2014, 2015): the self-inspection's attachment and the report's attachment.
    files: [(i64, i64); 2],
    /// `insp-1-b`, a member of the 2014 team only.
    old: String,
    /// `insp-new`, the leader of the 2015 team only.
    new: String,
}

/// The bytes of every file the units upload here.
const MATERIAL: &[u8] = "自查材料".as_bytes();

/// The unit submits its self-inspection (full marks) and the report of `leader`, each with an
/// attachment, and returns the two attachments' ids.
async fn submit_documents(app: &TestApp, cycle: i64, unit: i64, leader: i64) -> (i64, i64) {
    let token = app.unit_token(unit);
    let form: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/forms/town"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    let scores: Vec<Value> = form["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| json!({"item_code": i["code"], "points": i["max_points"]}))
        .collect();
    let file = fixtures::upload(
        app,
        &token,
        &format!("自查报告{cycle}.txt"),
        MATERIAL.to_vec(),
    )
    .await;
    let base = format!("/api/v1/assessment-cycles/{cycle}/units/{unit}");
    let body = json!({"report": "自查报告", "scores": scores, "attachment_ids": [file]});
    let saved = app
        .request(
            Method::PUT,
            &format!("{base}/self-inspection"),
            Some(&token),
        )
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(saved.status(), 201, "save the self-inspection");
    let submit = format!("{base}/self-inspection/submit");
    let submitted = app.post(&submit, &token, &json!({})).await;
    assert_eq!(submitted.status(), 200, "submit the self-inspection");

    let report_file = fixtures::upload(
        app,
        &token,
        &format!("述责报告{cycle}.txt"),
        MATERIAL.to_vec(),
    )
    .await;
    let report = format!("{base}/accountability-reports/{leader}");
    let body = json!({"body": "述责报告正文", "attachment_ids": [report_file]});
    let saved = app
        .request(Method::PUT, &report, Some(&token))
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(saved.status(), 201, "save the report");
    let submitted = app
        .post(&format!("{report}/submit"), &token, &json!({}))
        .await;
    assert_eq!(submitted.status(), 200, "submit the report");
    (file, report_file)
}

async fn two_years(app: &TestApp) -> TwoYears {
    let f = fixture(app).await;
    let old_team = fixtures::team(
        app,
        f.cycle,
        "2014第一考核组",
        "insp-1-leader",
        &["insp-1-b"],
    )
    .await
    .id;
    assigned(app, f.cycle, old_team, f.town).await;
    assigned(app, f.cycle, old_team, f.dept).await;
    let y2015 = cycle_in_self_inspection(app, 2015).await;
    let new_team = fixtures::team(app, y2015, "2015第一考核组", "insp-new", &["insp-new-a"])
        .await
        .id;
    let dept_team = fixtures::team(app, y2015, "2015第二考核组", "insp-dept", &["insp-dept-a"])
        .await
        .id;
    assigned(app, y2015, new_team, f.town).await;
    assigned(app, y2015, dept_team, f.dept).await;
    let secretary = f.town_leaders[0];
    let files = [
        submit_documents(app, f.cycle, f.town, secretary).await,
        submit_documents(app, y2015, f.town, secretary).await,
    ];
    TwoYears {
        y2014: f.cycle,
        y2015,
        town: f.town,
        dept: f.dept,
        secretary,
        files,
        old: app.token(Role::Inspector, "insp-1-b", None),
        new: app.token(Role::Inspector, "insp-new", None),
    }
}

/// Every cycle-bound read of the town's documents in one year: the self-inspection, its
/// versions, the accountability reports, and the two attachments.
fn documents(s: &TwoYears, year: usize) -> Vec<String> {
    let cycle = [s.y2014, s.y2015][year];
    let base = format!("/api/v1/assessment-cycles/{cycle}/units/{}", s.town);
    let (file, report_file) = s.files[year];
    vec![
        format!("{base}/self-inspection"),
        format!("{base}/self-inspection/versions"),
        format!("{base}/accountability-reports"),
        format!("/api/v1/attachments/{file}"),
        format!("/api/v1/attachments/{report_file}"),
    ]
}

async fn assert_reads(app: &TestApp, token: &str, paths: &[String]) {
    for path in paths {
        assert_eq!(app.get(path, token).await.status(), 200, "GET {path}");
    }
}

async fn assert_not_found(app: &TestApp, token: &str, paths: &[String]) {
    for path in paths {
        let response = app.get(path, token).await;
        assert_eq!(response.status(), 404, "GET {path}");
        assert_problem(response, 404, "not_found").await;
    }
}

#[tokio::test]
async fn an_inspector_of_2014_cannot_read_the_units_2015_documents_but_reads_2014s() {
    let app = TestApp::spawn().await;
    let s = two_years(&app).await;
    assert_not_found(&app, &s.old, &documents(&s, 1)).await;
    assert_reads(&app, &s.old, &documents(&s, 0)).await;
    let versions: Value = app
        .get(&documents(&s, 0)[1], &s.old)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        versions["items"].as_array().map(Vec::len),
        Some(1),
        "{versions}"
    );
    assert_eq!(versions["total"], 1, "{versions}");
    let reports: Value = app
        .get(&documents(&s, 0)[2], &s.old)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(reports["items"][0]["leader_id"], s.secretary);
    assert_eq!(reports["items"][0]["report"]["status"], "submitted");
}

#[tokio::test]
async fn an_inspector_of_2015_cannot_read_the_units_2014_documents_but_reads_2015s() {
    let app = TestApp::spawn().await;
    let s = two_years(&app).await;
    assert_not_found(&app, &s.new, &documents(&s, 0)).await;
    assert_reads(&app, &s.new, &documents(&s, 1)).await;
    // The 2015 team that holds only the department sees neither year's town documents.
    let dept_team = app.token(Role::Inspector, "insp-dept-a", None);
    assert_not_found(&app, &dept_team, &documents(&s, 0)).await;
    assert_not_found(&app, &dept_team, &documents(&s, 1)).await;
    // The office and the unit itself read both years, as before.
    let unit = app.unit_token(s.town);
    for token in [&app.office, &unit] {
        assert_reads(&app, token, &documents(&s, 0)).await;
        assert_reads(&app, token, &documents(&s, 1)).await;
    }
}

#[tokio::test]
async fn the_cycles_unit_list_shows_an_inspector_only_their_teams_units_of_that_cycle() {
    let app = TestApp::spawn().await;
    let s = two_years(&app).await;
    let listed = |cycle: i64, token: String| {
        let app = &app;
        async move {
            let page: Value = app
                .get(&format!("/api/v1/assessment-cycles/{cycle}/units"), &token)
                .await
                .json()
                .await
                .expect("json");
            let ids: Vec<i64> = page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["unit_id"].as_i64().expect("unit_id"))
                .collect();
            assert_eq!(page["total"], ids.len(), "{page}");
            ids
        }
    };
    assert_eq!(listed(s.y2014, s.old.clone()).await, vec![s.town, s.dept]);
    assert_eq!(listed(s.y2015, s.old.clone()).await, Vec::<i64>::new());
    assert_eq!(listed(s.y2015, s.new.clone()).await, vec![s.town]);
    assert_eq!(listed(s.y2014, s.new.clone()).await, Vec::<i64>::new());
    let dept_team = app.token(Role::Inspector, "insp-dept", None);
    assert_eq!(listed(s.y2015, dept_team).await, vec![s.dept]);
    assert_eq!(
        listed(s.y2015, app.office.clone()).await,
        vec![s.town, s.dept]
    );
}

#[tokio::test]
async fn the_registry_and_leaders_are_readable_only_while_the_teams_cycle_is_not_archived() {
    let app = TestApp::spawn().await;
    let s = two_years(&app).await;
    let registry = vec![
        format!("/api/v1/units/{}", s.dept),
        format!("/api/v1/units/{}/leaders", s.dept),
        format!("/api/v1/units/{}", s.town),
        format!("/api/v1/units/{}/leaders", s.town),
        format!("/api/v1/units/{}/leaders/{}", s.town, s.secretary),
    ];
    let listed = |token: String| {
        let app = &app;
        async move {
            let page: Value = app
                .get("/api/v1/units", &token)
                .await
                .json()
                .await
                .expect("json");
            page["total"].as_i64().expect("total")
        }
    };
    assert_reads(&app, &s.old, &registry).await;
    assert_eq!(listed(s.old.clone()).await, 2);
    // The 2015 team holds only the town.
    assert_not_found(&app, &s.new, &registry[..2]).await;
    assert_reads(&app, &s.new, &registry[2..]).await;
    assert_eq!(listed(s.new.clone()).await, 1);

    // Closing 2014 through every phase takes a whole assessment; the state alone is what the
    // rule reads.
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET state = 'archived' WHERE id = {}",
            s.y2014
        ))
        .expect("archive 2014");
    assert_not_found(&app, &s.old, &registry).await;
    assert_eq!(listed(s.old.clone()).await, 0);
    assert_reads(&app, &s.new, &registry[2..]).await;
    assert_eq!(listed(s.new.clone()).await, 1);
    // The archived year's documents stay readable to the team that inspected them.
    assert_reads(&app, &s.old, &documents(&s, 0)).await;
}

/// The outside tester's report, on the demo county: a new cycle (theirs was 2015, which the demo
/// now prepares as a draft) with a new team holding unit 1, and unit 1's draft in it with an
/// attachment.
#[tokio::test]
async fn the_testers_reproduction_on_the_demo_county_answers_404_both_ways() {
    let app = TestApp::spawn().await;
    lianzheng::seed::seed_demo(&mut app.db.app(), &app.signer).expect("seed the demo county");
    let y2014 = app.count("SELECT id AS n FROM assessment_cycles WHERE year = 2014");
    let y2016 = cycle_in_self_inspection(&app, 2016).await;
    let team = fixtures::team(&app, y2016, "2016第一考核组", "insp-new", &["insp-new-a"])
        .await
        .id;
    assigned(&app, y2016, team, 1).await;
    let unit = app.unit_token(1);
    let file = fixtures::upload(&app, &unit, "2016自查报告.txt", MATERIAL.to_vec()).await;
    let path = format!("/api/v1/assessment-cycles/{y2016}/units/1/self-inspection");
    let saved = app
        .request(Method::PUT, &path, Some(&unit))
        .json(&json!({"report": "2016年自查报告", "attachment_ids": [file]}))
        .send()
        .await
        .expect("send");
    assert_eq!(saved.status(), 201);

    let old = app.token(Role::Inspector, "insp-1-b", None);
    let new = app.token(Role::Inspector, "insp-new", None);
    let of_2016 = vec![path.clone(), format!("/api/v1/attachments/{file}")];
    let base = format!("/api/v1/assessment-cycles/{y2014}/units/1");
    let of_2014 = vec![
        format!("{base}/self-inspection"),
        format!("{base}/self-inspection/versions"),
        format!("{base}/accountability-reports"),
    ];
    assert_not_found(&app, &old, &of_2016).await;
    assert_not_found(&app, &new, &of_2014).await;
    assert_reads(&app, &old, &of_2014).await;
    assert_reads(&app, &new, &of_2016).await;
}
