//! The acknowledgement of results (回执, issue 17): the unit acknowledges its published result,
//! once per publication (a repeat answers the same record), nobody else does; the task to
//! acknowledge appears with the publication, goes with the acknowledgement, and comes back
//! with a republication.

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::fixtures::{Fixture, assigned, fixture, team};
use crate::helpers::{TestApp, assert_problem};
use crate::publication::ready_to_publish;

fn exec(app: &TestApp, sql: &str) {
    app.db.owner().batch_execute(sql).expect(sql);
}

fn ack(cycle: i64, unit: i64) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/units/{unit}/result/acknowledgement")
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

/// The fixture's cycle, its town held by a team, in review and ready to publish.
async fn ready(app: &TestApp) -> Fixture {
    let f = fixture(app).await;
    let a = team(app, f.cycle, "第一考核组", "insp-a-leader", &["insp-a"]).await;
    assigned(app, f.cycle, a.id, f.town).await;
    assigned(app, f.cycle, a.id, f.dept).await;
    exec(
        app,
        &format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {}",
            f.cycle
        ),
    );
    ready_to_publish(app, f.cycle).await;
    f
}

/// The caller's acknowledgement tasks, by unit.
async fn ack_tasks(app: &TestApp, token: &str) -> Vec<Value> {
    let list: Value = app
        .get("/api/v1/me/tasks", token)
        .await
        .json()
        .await
        .expect("tasks");
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|t| t["kind"] == "acknowledge_result")
        .cloned()
        .collect()
}

fn rows(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM result_acknowledgements")
}

async fn read(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("json")
}

#[tokio::test]
async fn a_unit_acknowledges_its_published_result_once_per_publication() {
    let app = TestApp::spawn().await;
    let f = ready(&app).await;
    let (c, path) = (f.cycle, ack(f.cycle, f.town));
    let town = app.unit_token(f.town);
    let insp = app.token(lianzheng::auth::Role::Inspector, "insp-a", None);

    // Before publication: withheld from the unit, nothing to acknowledge.
    let early = app.post(&path, &town, &json!({})).await;
    assert_problem(early, 403, "not_published").await;
    assert_problem(app.get(&path, &town).await, 403, "not_published").await;
    let none = read(&app, &path, &app.office).await;
    assert_eq!(none["acknowledged"], false);
    assert_eq!(none["publication_id"], Value::Null);
    assert!(ack_tasks(&app, &town).await.is_empty());

    transition(&app, c, json!({"to": "published"})).await;

    // Published: the unit is asked to acknowledge, with no due date.
    let tasks = ack_tasks(&app, &town).await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["resource"], path);
    assert_eq!(tasks[0]["due"], Value::Null);
    assert_eq!(tasks[0]["overdue"], false);
    assert_eq!(tasks[0]["unit_id"], f.town);
    // Only its own.
    assert!(
        ack_tasks(&app, &app.unit_token(f.dept))
            .await
            .iter()
            .all(|t| t["unit_id"] == f.dept)
    );
    let pending = read(&app, &path, &app.office).await;
    assert_eq!(pending["acknowledged"], false);
    let first_publication = pending["publication_id"].as_i64().expect("a publication");

    // Nobody acknowledges for the unit, nor reads another unit's.
    assert_problem(
        app.post(&path, &app.office, &json!({})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(app.post(&path, &insp, &json!({})).await, 403, "forbidden").await;
    let other = app.unit_token(f.dept);
    assert_problem(app.post(&path, &other, &json!({})).await, 404, "not_found").await;
    assert_problem(app.get(&path, &other).await, 404, "not_found").await;
    assert_problem(app.get(&path, &insp).await, 403, "forbidden").await;
    let blank = app.post(&path, &town, &json!({"note": "  "})).await;
    assert_problem(blank, 422, "validation_failed").await;
    assert_eq!(rows(&app), 0);

    let made = app
        .post(&path, &town, &json!({"note": "已收到考核结果，将认真整改"}))
        .await;
    assert_eq!(made.status(), 201);
    assert_eq!(made.headers()["location"], path.as_str());
    let made: Value = made.json().await.expect("json");
    assert_eq!(made["acknowledged"], true);
    assert_eq!(made["publication_id"], first_publication);
    assert_eq!(made["note"], "已收到考核结果，将认真整改");
    assert!(made["acknowledged_at"].is_string());
    assert_eq!(read(&app, &path, &town).await, made);
    assert_eq!(read(&app, &path, &app.office).await, made);

    // Again: the same record, nothing recorded twice.
    let again = app.post(&path, &town, &json!({})).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.expect("json"), made);
    assert_eq!(rows(&app), 1);
    assert!(ack_tasks(&app, &town).await.is_empty());

    // Reopened and published again: acknowledged anew.
    transition(&app, c, json!({"to": "review", "note": "更正日常考核得分"})).await;
    assert!(ack_tasks(&app, &town).await.is_empty());
    assert_problem(app.get(&path, &town).await, 403, "not_published").await;
    transition(&app, c, json!({"to": "published"})).await;
    assert_eq!(ack_tasks(&app, &town).await.len(), 1);
    let renewed = read(&app, &path, &town).await;
    assert_eq!(renewed["acknowledged"], false);
    assert_ne!(renewed["publication_id"], first_publication);
    let made = app.post(&path, &town, &json!({})).await;
    assert_eq!(made.status(), 201);
    assert_eq!(rows(&app), 2);
    assert!(ack_tasks(&app, &town).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_unit_the_cycle_does_not_hold_has_nothing_to_acknowledge() {
    let app = TestApp::spawn().await;
    let f = ready(&app).await;
    transition(&app, f.cycle, json!({"to": "published"})).await;
    let later = crate::fixtures::unit(&app, "县新设单位", "county_department").await;
    let path = ack(f.cycle, later.id);
    let token = app.unit_token(later.id);
    assert_problem(app.post(&path, &token, &json!({})).await, 404, "not_found").await;
    assert_problem(app.get(&path, &app.office).await, 404, "not_found").await;
    let unknown = ack(f.cycle + 1000, f.town);
    let town = app.unit_token(f.town);
    assert_problem(
        app.post(&unknown, &town, &json!({})).await,
        404,
        "not_found",
    )
    .await;
    app.stop().await;
}
