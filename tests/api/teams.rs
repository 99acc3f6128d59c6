//! Inspection teams: the guard on special inspection, one team per unit, and inspectors'
//! scope.

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::fixtures::{self, assign, fixture};
use crate::helpers::{TestApp, assert_problem};

#[tokio::test]
async fn a_cycle_cannot_enter_special_inspection_while_a_unit_has_no_team() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let team = fixtures::team(&app, f.cycle, "第一考核组", "leader-1", &["member-1"])
        .await
        .id;
    assert_eq!(assign(&app, f.cycle, team, f.town).await.status(), 204);
    let moved = app
        .post(
            &format!("/api/v1/assessment-cycles/{}/transitions", f.cycle),
            &app.office,
            &json!({"to": "special_inspection"}),
        )
        .await;
    let problem = assert_problem(moved, 409, "units_without_team").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or("")
            .contains("县财政局"),
        "{problem}"
    );
    let unassigned: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{}/teams/unassigned", f.cycle),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(unassigned["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(unassigned["items"][0]["unit_name"], "县财政局");
    assert_eq!(unassigned["total"], 1);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM assessment_cycles WHERE state = 'self_inspection'"),
        1
    );

    assert_eq!(assign(&app, f.cycle, team, f.dept).await.status(), 204);
    let moved = app
        .post(
            &format!("/api/v1/assessment-cycles/{}/transitions", f.cycle),
            &app.office,
            &json!({"to": "special_inspection"}),
        )
        .await;
    assert_eq!(moved.status(), 200);
}

#[tokio::test]
async fn each_unit_has_exactly_one_team_and_reassigning_moves_it() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let first = fixtures::team(&app, f.cycle, "第一考核组", "leader-1", &["member-1"])
        .await
        .id;
    let second = fixtures::team(&app, f.cycle, "第二考核组", "leader-2", &["member-2"])
        .await
        .id;
    assign(&app, f.cycle, first, f.town).await;
    assign(&app, f.cycle, second, f.town).await;
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM team_units WHERE unit_id = {}",
            f.town
        )),
        1
    );
    assert_eq!(
        app.count(&format!(
            "SELECT team_id AS n FROM team_units WHERE unit_id = {}",
            f.town
        )),
        second
    );
    let twice = app.db.owner().batch_execute(&format!(
        "INSERT INTO team_units (cycle_id, unit_id, team_id) VALUES ({}, {}, {first})",
        f.cycle, f.town
    ));
    assert!(
        twice.is_err(),
        "the database refuses a second team for the same unit"
    );
    let teams = format!("/api/v1/assessment-cycles/{}/teams", f.cycle);
    let team = |name: &str| {
        json!({"name": name, "leader": {"sub": "x", "name": "x"},
               "members": [{"sub": "y", "name": "y"}]})
    };
    let duplicate = app.post(&teams, &app.office, &team("第一考核组")).await;
    assert_problem(duplicate, 409, "team_name_taken").await;
    let inspector = app.token(lianzheng::auth::Role::Inspector, "leader-1", None);
    let by_inspector = app.post(&teams, &inspector, &team("第三考核组")).await;
    assert_problem(by_inspector, 403, "forbidden").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM inspection_teams"), 2);
}

#[tokio::test]
async fn an_inspector_sees_only_the_units_of_their_teams_and_never_writes_them() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let unit_token = app.unit_token(f.town);
    app.request(
        reqwest::Method::PUT,
        &format!(
            "/api/v1/assessment-cycles/{}/units/{}/self-inspection",
            f.cycle, f.town
        ),
        Some(&unit_token),
    )
    .json(&json!({"report": "阳城镇自查报告"}))
    .send()
    .await
    .expect("send");
    let first = fixtures::team(&app, f.cycle, "第一考核组", "leader-1", &["member-1"])
        .await
        .id;
    let second = fixtures::team(&app, f.cycle, "第二考核组", "leader-2", &["member-2"])
        .await
        .id;
    assign(&app, f.cycle, first, f.town).await;
    assign(&app, f.cycle, second, f.dept).await;

    let member = app.token(lianzheng::auth::Role::Inspector, "member-1", None);
    let leader = app.token(lianzheng::auth::Role::Inspector, "leader-1", None);
    for token in [&member, &leader] {
        assert_eq!(
            app.get(&format!("/api/v1/units/{}", f.town), token)
                .await
                .status(),
            200
        );
        assert_problem(
            app.get(&format!("/api/v1/units/{}", f.dept), token).await,
            404,
            "not_found",
        )
        .await;
        let list: Value = app
            .get("/api/v1/units", token)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(list["total"], 1);
        let doc = app
            .get(
                &format!(
                    "/api/v1/assessment-cycles/{}/units/{}/self-inspection",
                    f.cycle, f.town
                ),
                token,
            )
            .await;
        assert_eq!(doc.status(), 200);
        let other = app
            .get(
                &format!(
                    "/api/v1/assessment-cycles/{}/units/{}/self-inspection",
                    f.cycle, f.dept
                ),
                token,
            )
            .await;
        assert_problem(other, 404, "not_found").await;
        let teams: Value = app
            .get(
                &format!("/api/v1/assessment-cycles/{}/teams", f.cycle),
                token,
            )
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(teams["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(teams["total"], 1);
    }
    let write = app
        .request(
            reqwest::Method::PUT,
            &format!(
                "/api/v1/assessment-cycles/{}/units/{}/self-inspection",
                f.cycle, f.town
            ),
            Some(&member),
        )
        .header("If-Match", "\"1\"")
        .json(&json!({"report": "考核组改写"}))
        .send()
        .await
        .expect("send");
    assert_problem(write, 403, "forbidden").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM self_inspections WHERE report = '阳城镇自查报告'"),
        1
    );
}

#[tokio::test]
async fn the_office_changes_a_teams_members_with_the_current_etag() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let team = fixtures::team(&app, f.cycle, "第一考核组", "leader-1", &["member-1"])
        .await
        .id;
    assign(&app, f.cycle, team, f.town).await;
    let path = format!("/api/v1/assessment-cycles/{}/teams/{team}", f.cycle);
    let body = json!({"members": [{"sub": "member-2", "name": "莫志强"}]});
    let first = app.get(&path, &app.office).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let by_inspector = app
        .patch(
            &path,
            &app.token(lianzheng::auth::Role::Inspector, "leader-1", None),
            &first,
            &body,
        )
        .await;
    assert_problem(by_inspector, 403, "forbidden").await;
    let changed = app.patch(&path, &app.office, &first, &body).await;
    assert_eq!(changed.status(), 200);
    let second = changed.headers()["etag"].to_str().expect("etag").to_owned();
    assert_ne!(second, first);
    let stale = app
        .patch(&path, &app.office, &first, &json!({"name": "改名"}))
        .await;
    assert_problem(stale, 412, "precondition_failed").await;
    let leader_as_member = app
        .patch(
            &path,
            &app.office,
            &second,
            &json!({"members": [{"sub": "leader-1", "name": "x"}]}),
        )
        .await;
    assert_problem(leader_as_member, 422, "validation_failed").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM team_members WHERE sub = 'member-2'"),
        1
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM team_members WHERE sub = 'member-1'"),
        0
    );
    // The old member no longer sees the unit; the new one does.
    let old = app.token(lianzheng::auth::Role::Inspector, "member-1", None);
    let new = app.token(lianzheng::auth::Role::Inspector, "member-2", None);
    assert_problem(
        app.get(&format!("/api/v1/units/{}", f.town), &old).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/units/{}", f.town), &new)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_new_team_answers_its_own_url_and_etag_and_reads_there_with_304() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let body = json!({"name": "第一考核组", "leader": {"sub": "leader-1", "name": "欧阳志明"},
        "members": [{"sub": "member-1", "name": "陈晓红"}]});
    let created = app
        .post(
            &format!("/api/v1/assessment-cycles/{}/teams", f.cycle),
            &app.office,
            &body,
        )
        .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let tag = created.headers()["etag"].to_str().expect("etag").to_owned();
    let team: Value = created.json().await.expect("json");
    assert_eq!(
        location,
        format!("/api/v1/assessment-cycles/{}/teams/{}", f.cycle, team["id"])
    );
    let read = app.get(&location, &app.office).await;
    assert_eq!(read.status(), 200);
    assert_eq!(read.headers()["etag"].to_str().expect("etag"), tag);
    let read: Value = read.json().await.expect("json");
    assert_eq!(read, team);
    let unchanged = app
        .request(reqwest::Method::GET, &location, Some(&app.office))
        .header("If-None-Match", &tag)
        .send()
        .await
        .expect("send");
    assert_eq!(unchanged.status(), 304);
    let renamed = app
        .patch(&location, &app.office, &tag, &json!({"name": "第二考核组"}))
        .await;
    assert_eq!(renamed.status(), 200, "PATCH takes the tag the GET sent");
}

#[tokio::test]
async fn a_team_is_read_by_the_office_and_its_own_inspectors_and_is_404_to_anyone_else() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let team = fixtures::team(&app, f.cycle, "第一考核组", "leader-1", &["member-1"])
        .await
        .id;
    let path = format!("/api/v1/assessment-cycles/{}/teams/{team}", f.cycle);
    for sub in ["leader-1", "member-1"] {
        let token = app.token(lianzheng::auth::Role::Inspector, sub, None);
        assert_eq!(app.get(&path, &token).await.status(), 200, "{sub}");
    }
    let stranger = app.token(lianzheng::auth::Role::Inspector, "member-9", None);
    assert_problem(app.get(&path, &stranger).await, 404, "not_found").await;
    let unit = app.unit_token(f.town);
    assert_problem(app.get(&path, &unit).await, 404, "not_found").await;
    let elsewhere = format!("/api/v1/assessment-cycles/{}/teams/{}", f.cycle, team + 1);
    assert_problem(app.get(&elsewhere, &app.office).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_teams_etag_changes_when_a_unit_is_assigned_to_it() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let team = fixtures::team(&app, f.cycle, "第一考核组", "leader-1", &["member-1"])
        .await
        .id;
    let path = format!("/api/v1/assessment-cycles/{}/teams/{team}", f.cycle);
    let before = app.get(&path, &app.office).await;
    let tag = before.headers()["etag"].to_str().expect("etag").to_owned();
    assert_eq!(assign(&app, f.cycle, team, f.town).await.status(), 204);
    let after = app
        .request(reqwest::Method::GET, &path, Some(&app.office))
        .header("If-None-Match", &tag)
        .send()
        .await
        .expect("send");
    assert_eq!(after.status(), 200, "the units shown changed");
    let stale = app
        .patch(&path, &app.office, &tag, &json!({"name": "第二考核组"}))
        .await;
    assert_problem(stale, 412, "precondition_failed").await;
}
