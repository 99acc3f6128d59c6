//! Commendations and notices (issue 15 item 6): the office records, replaces and deletes them
//! while the cycle is in review or published; each is published with the results or later, on
//! its own; units and inspectors see the published ones within their scope, and nothing else
//! (404).

use diesel::connection::SimpleConnection;
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{Fixture, assigned, fixture, team};
use crate::helpers::{TestApp, assert_problem};
use crate::publication::ready_to_publish;

fn exec(app: &TestApp, sql: &str) {
    app.db.owner().batch_execute(sql).expect(sql);
}

fn path(cycle: i64, rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/commendations{rest}")
}

/// The fixture's cycle, its town held by team A (`insp-a`) and its department by team B
/// (`insp-b`), moved into review in SQL.
async fn in_review(app: &TestApp) -> Fixture {
    let f = fixture(app).await;
    let a = team(app, f.cycle, "第一考核组", "insp-a-leader", &["insp-a"]).await;
    let b = team(app, f.cycle, "第二考核组", "insp-b-leader", &["insp-b"]).await;
    assigned(app, f.cycle, a.id, f.town).await;
    assigned(app, f.cycle, b.id, f.dept).await;
    exec(
        app,
        &format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {}",
            f.cycle
        ),
    );
    f
}

async fn transition(app: &TestApp, cycle: i64, body: Value) {
    let response = app
        .post(
            &format!("/api/v1/assessment-cycles/{cycle}/transitions"),
            &app.office,
            &body,
        )
        .await;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(status, 200, "transition {body}: {text}");
}

fn inspector(app: &TestApp, sub: &str) -> String {
    app.token(lianzheng::auth::Role::Inspector, sub, None)
}

async fn record(app: &TestApp, cycle: i64, body: Value) -> Value {
    let response = app.post(&path(cycle, ""), &app.office, &body).await;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(status, 201, "record {body}: {text}");
    serde_json::from_str(&text).expect("the record")
}

/// The ids of the records `token` lists in `cycle`.
async fn listed(app: &TestApp, cycle: i64, query: &str, token: &str) -> Vec<i64> {
    let response = app.get(&format!("{}{query}", path(cycle, "")), token).await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.expect("a page");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect()
}

fn rows(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM commendations")
}

#[tokio::test]
async fn the_office_records_replaces_and_deletes_commendations_from_the_review_on() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let body = json!({
        "kind": "unit_commendation", "unit_id": f.town,
        "reason": "党风廉政建设责任制落实有力", "document_ref": "阳纪发〔2014〕40号",
        "scope": "units"
    });
    // In the self-inspection: too early.
    let early = app.post(&path(f.cycle, ""), &app.office, &body).await;
    assert_problem(early, 409, "commendations_not_open").await;
    exec(
        &app,
        &format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {}",
            f.cycle
        ),
    );
    // Only the office records.
    for token in [app.unit_token(f.town), inspector(&app, "insp-a")] {
        let refused = app.post(&path(f.cycle, ""), &token, &body).await;
        assert_problem(refused, 403, "forbidden").await;
    }
    assert_eq!(rows(&app), 0);

    let response = app.post(&path(f.cycle, ""), &app.office, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("Location")
        .to_owned();
    assert_eq!(response.headers()["etag"], "\"1\"");
    let created: Value = response.json().await.expect("json");
    assert_eq!(created["unit_name"], "阳城镇");
    assert_eq!(created["with_results"], true);
    assert_eq!(created["published"], false);
    assert_eq!(created["recorded_by"], "office-admin");
    let read: Value = app
        .get(&location, &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(read, created);

    // Each rule of the body names its field, and nothing is written.
    let mut leader = body.clone();
    leader["kind"] = json!("leader_commendation");
    let missing = app.post(&path(f.cycle, ""), &app.office, &leader).await;
    let problem = assert_problem(missing, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "leader_id");
    let dept_leader: i64 = app.count(&format!(
        "SELECT min(id) AS n FROM leaders WHERE unit_id = {}",
        f.dept
    ));
    leader["leader_id"] = json!(dept_leader);
    let foreign = app.post(&path(f.cycle, ""), &app.office, &leader).await;
    let problem = assert_problem(foreign, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_of_unit");
    let mut notice = body.clone();
    notice["kind"] = json!("criticism_notice");
    notice["leader_id"] = json!(f.town_leaders[0]);
    let named = app.post(&path(f.cycle, ""), &app.office, &notice).await;
    let problem = assert_problem(named, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_applicable");
    let later = crate::fixtures::unit(&app, "县新设单位", "county_department").await;
    let mut outside = body.clone();
    outside["unit_id"] = json!(later.id);
    let outside = app.post(&path(f.cycle, ""), &app.office, &outside).await;
    let problem = assert_problem(outside, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_in_cycle");
    assert_eq!(rows(&app), 1);

    // A leader of the town, commended.
    leader["leader_id"] = json!(f.town_leaders[1]);
    let replace = |tag: Option<&str>| {
        let mut request = app
            .request(Method::PUT, &location, Some(&app.office))
            .json(&leader);
        if let Some(tag) = tag {
            request = request.header("If-Match", tag);
        }
        request.send()
    };
    assert_eq!(replace(None).await.expect("PUT").status(), 428);
    assert_eq!(replace(Some("\"7\"")).await.expect("PUT").status(), 412);
    let replaced = replace(Some("\"1\"")).await.expect("PUT");
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.expect("json");
    assert_eq!(replaced["kind"], "leader_commendation");
    assert_eq!(replaced["leader_name"], "梁伟");
    assert_eq!(replaced["version"], 2);

    let deleted = app
        .request(Method::DELETE, &location, Some(&app.office))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.get(&location, &app.office).await.status(), 404);
    assert_eq!(rows(&app), 0);
    app.stop().await;
}

#[tokio::test]
async fn units_and_inspectors_see_the_published_commendations_within_their_scope() {
    let app = TestApp::spawn().await;
    let f = in_review(&app).await;
    let c = f.cycle;
    let town = app.unit_token(f.town);
    let dept = app.unit_token(f.dept);
    let (insp_a, insp_b) = (inspector(&app, "insp-a"), inspector(&app, "insp-b"));
    let entry = |kind: &str, unit: i64, scope: &str, with_results: bool| {
        json!({"kind": kind, "unit_id": unit, "reason": "事由", "document_ref": "阳纪发〔2014〕1号",
               "scope": scope, "with_results": with_results})
    };
    let a = record(&app, c, entry("unit_commendation", f.town, "units", true)).await;
    let b = record(&app, c, entry("criticism_notice", f.dept, "unit", true)).await;
    let internal = record(&app, c, entry("unit_commendation", f.town, "office", true)).await;
    let mut later = entry("leader_commendation", f.town, "units", false);
    later["leader_id"] = json!(f.town_leaders[0]);
    let d = record(&app, c, later).await;
    let [a, b, internal, d] = [&a, &b, &internal, &d].map(|v| v["id"].as_i64().expect("id"));

    // Before publication: the office's alone.
    assert_eq!(
        listed(&app, c, "", &app.office).await,
        vec![a, b, internal, d]
    );
    for token in [&town, &dept, &insp_a, &insp_b] {
        assert!(listed(&app, c, "", token).await.is_empty());
        let hidden = app.get(&path(c, &format!("/{a}")), token).await;
        assert_problem(hidden, 404, "not_found").await;
    }
    // Publishing one on its own waits for the results.
    let early = app
        .post(&path(c, &format!("/{d}/publish")), &app.office, &json!({}))
        .await;
    assert_problem(early, 409, "cycle_not_published").await;

    ready_to_publish(&app, c).await;
    transition(&app, c, json!({"to": "published"})).await;

    // Those that go with the results are published with them, each within its scope.
    assert_eq!(listed(&app, c, "", &town).await, vec![a]);
    assert_eq!(listed(&app, c, "", &dept).await, vec![a, b]);
    assert_eq!(listed(&app, c, "", &insp_a).await, vec![a]);
    assert_eq!(listed(&app, c, "", &insp_b).await, vec![b]);
    for (token, id) in [(&town, b), (&town, internal), (&insp_a, b), (&dept, d)] {
        let hidden = app.get(&path(c, &format!("/{id}")), token).await;
        assert_problem(hidden, 404, "not_found").await;
    }
    let shown: Value = app
        .get(&path(c, &format!("/{a}")), &dept)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(shown["published"], true);
    assert_eq!(shown["published_at"], Value::Null);
    // The filters.
    let notices = format!("?kind=criticism_notice&unit_id={}", f.dept);
    assert_eq!(listed(&app, c, &notices, &app.office).await, vec![b]);
    let town_only = format!("?unit_id={}", f.town);
    assert_eq!(
        listed(&app, c, &town_only, &app.office).await,
        vec![a, internal, d]
    );

    // Published, a record no longer changes.
    let gone = app
        .request(
            Method::DELETE,
            &path(c, &format!("/{a}")),
            Some(&app.office),
        )
        .send()
        .await
        .expect("DELETE");
    assert_problem(gone, 409, "commendation_published").await;
    let replaced = app
        .request(Method::PUT, &path(c, &format!("/{a}")), Some(&app.office))
        .header("If-Match", "\"1\"")
        .json(&entry("unit_commendation", f.town, "unit", true))
        .send()
        .await
        .expect("PUT");
    assert_problem(replaced, 409, "commendation_published").await;

    // The one that waited is published on its own, once.
    let published = app
        .post(&path(c, &format!("/{d}/publish")), &app.office, &json!({}))
        .await;
    assert_eq!(published.status(), 200);
    let published: Value = published.json().await.expect("json");
    assert_eq!(published["published"], true);
    assert!(published["published_at"].is_string());
    assert_eq!(listed(&app, c, "", &town).await, vec![a, d]);
    let again = app
        .post(&path(c, &format!("/{d}/publish")), &app.office, &json!({}))
        .await;
    assert_problem(again, 409, "commendation_published").await;
    for token in [&town, &insp_a] {
        let refused = app
            .post(&path(c, &format!("/{d}/publish")), token, &json!({}))
            .await;
        assert_problem(refused, 403, "forbidden").await;
    }

    // Reopened, the results are withdrawn with what goes with them; what was published on its
    // own stays.
    transition(&app, c, json!({"to": "review", "note": "更正日常考核得分"})).await;
    assert_eq!(listed(&app, c, "", &town).await, vec![d]);
    assert_eq!(listed(&app, c, "", &dept).await, vec![d]);

    // Archived: read-only.
    exec(
        &app,
        &format!("UPDATE assessment_cycles SET state = 'archived' WHERE id = {c}"),
    );
    let before = rows(&app);
    let archived = app
        .post(
            &path(c, ""),
            &app.office,
            &entry("unit_commendation", f.dept, "units", true),
        )
        .await;
    assert_problem(archived, 409, "cycle_archived").await;
    assert_eq!(rows(&app), before);
    app.stop().await;
}

#[tokio::test]
async fn another_cycle_or_an_unknown_record_is_not_found() {
    let app = TestApp::spawn().await;
    let f = in_review(&app).await;
    let record = record(
        &app,
        f.cycle,
        json!({"kind": "unit_commendation", "unit_id": f.town, "reason": "事由",
               "document_ref": "阳纪发〔2014〕1号", "scope": "units"}),
    )
    .await;
    let id = record["id"].as_i64().expect("id");
    for missing in [
        path(f.cycle + 1000, &format!("/{id}")),
        path(f.cycle, &format!("/{}", id + 1)),
    ] {
        assert_problem(app.get(&missing, &app.office).await, 404, "not_found").await;
    }
    let none = app.get(&path(f.cycle + 1000, ""), &app.office).await;
    assert_problem(none, 404, "not_found").await;
    app.stop().await;
}
