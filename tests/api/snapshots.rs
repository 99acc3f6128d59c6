//! Publication snapshots and versions (issue 15 item 4): publishing stores every result as it
//! was, as version 1, 2, ... of the cycle; reopening and publishing again makes a new version,
//! both readable, and their differences listable; the snapshot rows never change, even for the
//! owner; a version's results follow the scope it was published with; the publication settings
//! change only in review; and a snapshot takes as many statements for 300 units as for 30.

use chrono::Utc;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use lianzheng::auth::Role;
use lianzheng::models::CycleId;
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{Fixture, add_graded_units, assigned, fixture, team};
use crate::helpers::{TestApp, assert_problem, mark_published, republish};
use crate::publication::{checksums, exec, in_review, ready_to_publish, state, transition};

fn versions(cycle: i64) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/publications")
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let text = response.text().await.expect("body");
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).expect("json")
}

/// The unit ids of a page of results.
fn unit_ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|r| r["unit_id"].as_i64())
        .collect()
}

fn row(page: &Value, unit: i64) -> Value {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["unit_id"] == unit)
        .cloned()
        .unwrap_or_else(|| panic!("unit {unit} in {page}"))
}

/// Changes the town's routine score (reopened cycle in review), as a correction would.
async fn correct_routine_score(app: &TestApp, f: &Fixture, score: &str) {
    let path = format!(
        "/api/v1/assessment-cycles/{}/spot-checks/scores/{}",
        f.cycle, f.town
    );
    let response = app
        .request(Method::PUT, &path, Some(&app.office))
        .header("If-Match", "\"1\"")
        .json(&json!({"score": score, "note": "更正"}))
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), 200, "correct the routine score");
}

#[tokio::test]
async fn republishing_makes_a_second_version_and_the_changes_name_the_corrected_unit() {
    let app = TestApp::spawn().await;
    let f = in_review(&app).await;
    ready_to_publish(&app, f.cycle).await;
    assert_eq!(
        transition(&app, f.cycle, json!({"to": "published"}))
            .await
            .status(),
        200
    );
    // The transition's audit record names the version.
    let audited = app.count(&format!(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'transition' AND resource_id = \
         '{}' AND changes::text LIKE '%\"publication_version\": 1%'",
        f.cycle
    ));
    assert_eq!(audited, 1);
    let first = json_of(app.get(&versions(f.cycle), &app.office).await, 200).await;
    assert_eq!(first["total"], 1);
    assert_eq!(first["items"][0]["version"], 1);
    assert_eq!(first["items"][0]["document_ref"], "阳纪通〔2014〕3号");
    assert_eq!(first["items"][0]["publication_scope"], "own");
    assert_eq!(first["items"][0]["published_by"], "office-admin");

    // Reopen with a note, correct the town's routine score, publish again.
    let note = "阳城镇常规考核得分录入有误，经县纪委常委会同意退回更正";
    let reopened = transition(&app, f.cycle, json!({"to": "review", "note": note})).await;
    assert_eq!(reopened.status(), 200);
    correct_routine_score(&app, &f, "9.00").await;
    let again = transition(
        &app,
        f.cycle,
        json!({"to": "published", "note": "更正后重新通报"}),
    )
    .await;
    assert_eq!(again.status(), 200);
    assert_eq!(state(&app, f.cycle), "published");
    let listed = json_of(app.get(&versions(f.cycle), &app.office).await, 200).await;
    let numbers: Vec<i64> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["version"].as_i64())
        .collect();
    assert_eq!(numbers, [2, 1], "newest first");
    assert_eq!(listed["items"][0]["note"], "更正后重新通报");

    // Both versions readable, each as it was.
    let v1 = json_of(
        app.get(&format!("{}/1", versions(f.cycle)), &app.office)
            .await,
        200,
    )
    .await;
    let v2 = json_of(
        app.get(&format!("{}/2", versions(f.cycle)), &app.office)
            .await,
        200,
    )
    .await;
    assert_eq!(row(&v1, f.town)["routine_score"], "9.50");
    assert_eq!(row(&v1, f.town)["total"], "99.50");
    assert_eq!(row(&v1, f.town)["rank_overall"], 1);
    assert_eq!(row(&v2, f.town)["routine_score"], "9.00");
    assert_eq!(row(&v2, f.town)["total"], "99.00");
    assert_eq!(row(&v2, f.town)["rank_overall"], 2);
    assert_eq!(row(&v2, f.town)["unit_name"], "阳城镇");
    assert_eq!(row(&v2, f.dept)["total"], "99.50");
    assert_eq!(
        row(&v1, f.town)["leader_grades"].as_array().map(Vec::len),
        Some(2)
    );

    // The changes name exactly the town, and its fields that follow from the score.
    let changes = json_of(
        app.get(&format!("{}/2/changes", versions(f.cycle)), &app.office)
            .await,
        200,
    )
    .await;
    assert_eq!(changes["total"], 1, "{changes}");
    let town = &changes["items"][0];
    assert_eq!(town["unit_id"], f.town);
    assert_eq!(town["change"], "changed");
    assert_eq!(
        town["fields"],
        json!([
            {"field": "routine_score", "old": "9.50", "new": "9.00"},
            {"field": "total", "old": "99.50", "new": "99.00"},
            {"field": "rank_overall", "old": 1, "new": 2},
        ])
    );
    let explicit = json_of(
        app.get(
            &format!("{}/2/changes?against=1", versions(f.cycle)),
            &app.office,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(explicit, changes);
    // Against nothing published: every unit added.
    let from_nothing = json_of(
        app.get(
            &format!("{}/1/changes?against=0", versions(f.cycle)),
            &app.office,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(from_nothing["total"], 2);
    assert_eq!(from_nothing["items"][0]["change"], "added");

    // Unknown versions and impossible comparisons.
    for missing in ["3", "0", "99999999999"] {
        let path = format!("{}/{missing}", versions(f.cycle));
        assert_problem(app.get(&path, &app.office).await, 404, "not_found").await;
    }
    assert_problem(
        app.get(&format!("{}/3/changes", versions(f.cycle)), &app.office)
            .await,
        404,
        "not_found",
    )
    .await;
    for against in ["2", "5", "-1", "x"] {
        let path = format!("{}/2/changes?against={against}", versions(f.cycle));
        let problem =
            assert_problem(app.get(&path, &app.office).await, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], "against", "{problem}");
    }
    let unit = app.unit_token(f.town);
    let path = format!("{}/2/changes", versions(f.cycle));
    assert_problem(app.get(&path, &unit).await, 403, "forbidden").await;
    app.stop().await;
}

#[tokio::test]
async fn snapshot_rows_refuse_update_and_delete_even_for_the_owner() {
    let app = TestApp::spawn().await;
    let f = in_review(&app).await;
    ready_to_publish(&app, f.cycle).await;
    let published = transition(&app, f.cycle, json!({"to": "published"})).await;
    assert_eq!(published.status(), 200);
    let before = checksums(&mut app.db.owner());
    for sql in [
        "UPDATE publication_results SET total = 100",
        "DELETE FROM publication_results",
        "TRUNCATE publication_results",
        "UPDATE publications SET document_ref = '伪造'",
        "DELETE FROM publications",
        "TRUNCATE publications CASCADE",
    ] {
        let refused = app.db.owner().batch_execute(sql);
        let error = refused.expect_err(sql).to_string();
        assert!(error.contains("append-only"), "{sql}: {error}");
        // The service's own role lacks the privilege before any trigger runs.
        let refused = app.db.app().batch_execute(sql);
        let error = refused.expect_err(sql).to_string();
        assert!(error.contains("permission denied"), "{sql}: {error}");
    }
    assert_eq!(checksums(&mut app.db.owner()), before);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM publication_results"),
        2
    );
    app.stop().await;
}

#[tokio::test]
async fn a_version_shows_each_caller_what_its_own_scope_granted() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let one = team(&app, f.cycle, "第一考核组", "insp-1-leader", &["insp-1-a"]).await;
    let two = team(&app, f.cycle, "第二考核组", "insp-2-leader", &["insp-2-a"]).await;
    assigned(&app, f.cycle, one.id, f.town).await;
    assigned(&app, f.cycle, two.id, f.dept).await;
    exec(
        &app,
        &format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {}",
            f.cycle
        ),
    );
    ready_to_publish(&app, f.cycle).await;
    assert_eq!(
        transition(&app, f.cycle, json!({"to": "published"}))
            .await
            .status(),
        200
    );
    let v1 = format!("{}/1", versions(f.cycle));

    // Scope `own`: each unit its own row, without its leaders' grades.
    let town = app.unit_token(f.town);
    let own = json_of(app.get(&v1, &town).await, 200).await;
    assert_eq!(unit_ids(&own), [f.town]);
    assert_eq!(own["items"][0]["leader_grades"], Value::Null);
    let dept = app.unit_token(f.dept);
    assert_eq!(
        unit_ids(&json_of(app.get(&v1, &dept).await, 200).await),
        [f.dept]
    );
    // A unit outside the cycle, and an inspector of no team in it, see nothing: 404.
    let stranger = app.unit_token(f.dept + 1000);
    assert_problem(app.get(&v1, &stranger).await, 404, "not_found").await;
    let outsider = app.token(Role::Inspector, "insp-9-leader", None);
    assert_problem(app.get(&v1, &outsider).await, 404, "not_found").await;
    // An inspector sees their team's unit, with its grades, and nothing of the other team's.
    let member = app.token(Role::Inspector, "insp-1-a", None);
    let seen = json_of(app.get(&v1, &member).await, 200).await;
    assert_eq!(unit_ids(&seen), [f.town]);
    assert_eq!(
        seen["items"][0]["leader_grades"].as_array().map(Vec::len),
        Some(2)
    );
    // Every role lists the versions.
    for token in [&town, &member] {
        let listed = json_of(app.get(&versions(f.cycle), token).await, 200).await;
        assert_eq!(listed["total"], 1);
    }

    // Version 2, published with the whole ranking and grades for units and inspectors:
    // version 1 still shows what it granted.
    let reopened = transition(
        &app,
        f.cycle,
        json!({"to": "review", "note": "扩大通报范围"}),
    )
    .await;
    assert_eq!(reopened.status(), 200);
    let path = format!("/api/v1/assessment-cycles/{}/publication", f.cycle);
    let tag = app.get(&path, &app.office).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    let wider = app
        .request(Method::PUT, &path, Some(&app.office))
        .header("If-Match", tag)
        .json(
            &json!({"publication_scope": "all", "units_see_leader_grades": true,
                      "inspectors_see_ranking": true, "document_ref": "阳纪通〔2014〕4号"}),
        )
        .send()
        .await
        .expect("PUT");
    assert_eq!(wider.status(), 200);
    let again = transition(&app, f.cycle, json!({"to": "published"})).await;
    assert_eq!(again.status(), 200);
    let v2 = format!("{}/2", versions(f.cycle));
    let all = json_of(app.get(&v2, &town).await, 200).await;
    let mut ids = unit_ids(&all);
    ids.sort_unstable();
    assert_eq!(ids, [f.town, f.dept]);
    assert!(row(&all, f.town)["leader_grades"].is_array());
    assert_eq!(row(&all, f.dept)["leader_grades"], Value::Null);
    let ranking = json_of(app.get(&v2, &member).await, 200).await;
    assert_eq!(unit_ids(&ranking).len(), 2);
    assert_eq!(row(&ranking, f.dept)["leader_grades"], Value::Null);
    assert_eq!(
        unit_ids(&json_of(app.get(&v1, &town).await, 200).await),
        [f.town]
    );
    app.stop().await;
}

#[tokio::test]
async fn the_publication_settings_change_only_in_review_under_if_match() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let path = format!("/api/v1/assessment-cycles/{}/publication", f.cycle);
    let read = app.get(&path, &app.office).await;
    assert_eq!(read.status(), 200);
    let tag = read.headers()["etag"].to_str().expect("etag").to_owned();
    let body: Value = read.json().await.expect("json");
    assert_eq!(body["publication_scope"], "own");
    assert_eq!(body["units_see_leader_grades"], false);
    assert_eq!(body["inspectors_see_ranking"], false);
    assert_eq!(body["document_ref"], Value::Null);
    let settings = json!({"publication_scope": "kind", "units_see_leader_grades": false,
                          "inspectors_see_ranking": true, "document_ref": "阳纪通〔2014〕3号"});
    let put = |token: &str, tag: Option<&str>| {
        let mut request = app.request(Method::PUT, &path, Some(token)).json(&settings);
        if let Some(tag) = tag {
            request = request.header("If-Match", tag.to_owned());
        }
        request.send()
    };
    // Only the office, and only in review.
    let unit = app.unit_token(f.town);
    assert_problem(app.get(&path, &unit).await, 403, "forbidden").await;
    assert_problem(put(&unit, Some(&tag)).await.expect("PUT"), 403, "forbidden").await;
    let before = checksums(&mut app.db.owner());
    assert_problem(
        put(&app.office, Some(&tag)).await.expect("PUT"),
        409,
        "cycle_not_in_review",
    )
    .await;
    assert_eq!(checksums(&mut app.db.owner()), before);
    exec(
        &app,
        &format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {}",
            f.cycle
        ),
    );
    assert_eq!(put(&app.office, None).await.expect("PUT").status(), 428);
    assert_eq!(
        put(&app.office, Some("\"99\""))
            .await
            .expect("PUT")
            .status(),
        412
    );
    let saved = put(&app.office, Some(&tag)).await.expect("PUT");
    assert_eq!(saved.status(), 200);
    let saved = json_of(saved, 200).await;
    assert_eq!(saved["publication_scope"], "kind");
    assert_eq!(saved["inspectors_see_ranking"], true);
    assert_eq!(saved["document_ref"], "阳纪通〔2014〕3号");
    // The same row as the result settings: their scope follows, and their ETag moved.
    let results = json_of(
        app.get(
            &format!("/api/v1/assessment-cycles/{}/result-settings", f.cycle),
            &app.office,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(results["publication_scope"], "kind");
    assert_eq!(results["version"], saved["version"]);
    // Published: frozen.
    mark_published(&app, f.cycle);
    let tag = format!("\"{}\"", saved["version"]);
    assert_problem(
        put(&app.office, Some(&tag)).await.expect("PUT"),
        409,
        "cycle_published",
    )
    .await;
    app.stop().await;
}

/// How many statements a snapshot of the demo's cycle 1 takes on `conn`.
fn snapshot_statements(conn: &mut PgConnection) -> usize {
    let (count, snapshot) = crate::statements::statements(conn, |conn| {
        lianzheng::ops::snapshots::take(
            conn,
            CycleId(1),
            ("office-admin", "县纪委办公室"),
            Utc::now(),
            None,
        )
    });
    snapshot.expect("take a snapshot");
    count
}

#[tokio::test]
async fn a_snapshot_takes_as_many_statements_for_300_units_as_for_30() {
    let app = TestApp::spawn_demo().await;
    let mut conn = app.db.owner();
    conn.batch_execute("UPDATE result_settings SET document_ref = '阳纪通〔2014〕3号'")
        .expect("the notice's reference");
    let base = snapshot_statements(&mut conn);
    add_graded_units(&mut conn, 1, 30, 1);
    let small = snapshot_statements(&mut conn);
    add_graded_units(&mut conn, 1, 270, 31);
    let large = snapshot_statements(&mut conn);
    assert_eq!(small, large, "statements for 30 and for 300 units");
    assert_eq!(base, small);
    assert!(small <= 10, "a fixed small number: {small}");
    let rows = app.count(
        "SELECT count(*) AS n FROM publication_results r JOIN publications p \
         ON p.id = r.publication_id WHERE p.cycle_id = 1 AND p.version = 3",
    );
    let assessed = app
        .count("SELECT count(*) AS n FROM cycle_units WHERE cycle_id = 1 AND status = 'assessed'");
    let fallbacks = app.count("SELECT count(*) AS n FROM fallback_results WHERE cycle_id = 1");
    assert_eq!(rows, assessed + fallbacks);
    assert!(rows >= 300);
    app.stop().await;
}

/// How many statements one page of cycle 1's results takes for the office, and its total.
fn page_statements(conn: &mut PgConnection) -> (usize, i64) {
    let office = lianzheng::auth::AuthUser {
        sub: "office-admin".into(),
        name: "县纪委办公室".into(),
        role: Role::Office,
        unit_id: None,
        request_id: None,
    };
    let (count, page) = crate::statements::statements(conn, |conn| {
        lianzheng::ops::results::list(conn, &office, CycleId(1), None, Some((20, 20)))
    });
    let (items, total) = page.expect("a page of results");
    assert_eq!(items.len(), 20);
    (count, total)
}

#[tokio::test]
async fn a_published_cycles_results_are_read_from_its_snapshot_one_page_by_rank() {
    let app = TestApp::spawn_demo().await;
    let mut conn = app.db.owner();
    conn.batch_execute("UPDATE result_settings SET document_ref = '阳纪通〔2014〕3号'")
        .expect("the notice's reference");
    add_graded_units(&mut conn, 1, 30, 1);
    republish(&app, 1);
    mark_published(&app, 1);
    let (small, small_total) = page_statements(&mut conn);
    add_graded_units(&mut conn, 1, 270, 31);
    republish(&app, 1);
    let (large, large_total) = page_statements(&mut conn);
    assert_eq!(
        small, large,
        "statements of a page for 30 and for 300 units"
    );
    assert!(large <= 6, "a fixed small number: {large}");
    assert_eq!(large_total, small_total + 270);

    // What is read equals what is computed, in the same order.
    let all = lianzheng::ops::results::ResultFilter::default();
    let computed = lianzheng::ops::results::compute(&mut conn, CycleId(1), &all)
        .expect("computed")
        .units;
    let read = lianzheng::ops::results::for_cycle(&mut conn, CycleId(1), &all)
        .expect("read")
        .units;
    assert_eq!(read, computed);
    assert_eq!(i64::try_from(computed.len()).expect("a count"), large_total);
    assert!(
        read.iter()
            .any(|r| r.leader_grades.as_ref().is_some_and(|g| !g.is_empty()))
    );
    // The tables that never show grades read none (a province's ranking reads no grade).
    let bare = lianzheng::ops::results::ResultFilter::without_grades();
    let bare = lianzheng::ops::results::for_cycle(&mut conn, CycleId(1), &bare)
        .expect("read without grades")
        .units;
    assert_eq!(bare.len(), computed.len());
    assert!(bare.iter().all(|r| r.leader_grades.is_none()));

    // Read, not computed: a unit renamed after publication keeps its published name.
    let first = computed[0].unit_id.0;
    let published_name = computed[0].unit_name.clone();
    conn.batch_execute(&format!(
        "UPDATE units SET name = '改名后的单位' WHERE id = {first}"
    ))
    .expect("rename");
    let page = json_of(
        app.get(
            "/api/v1/assessment-cycles/1/results?page=1&per_page=50",
            &app.office,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(page["items"][0]["unit_name"], published_name.as_str());
    assert_eq!(page["total"], large_total);
    // Page 3 of 50 is the 101st to 150th by rank.
    let page3 = json_of(
        app.get(
            "/api/v1/assessment-cycles/1/results?page=3&per_page=50",
            &app.office,
        )
        .await,
        200,
    )
    .await;
    let expected: Vec<i64> = computed[100..150].iter().map(|r| r.unit_id.0).collect();
    assert_eq!(unit_ids(&page3), expected);
    let recomputed = lianzheng::ops::results::compute(&mut conn, CycleId(1), &all)
        .expect("computed")
        .units;
    assert_eq!(recomputed[0].unit_name, "改名后的单位");
    app.stop().await;
}
