//! The units registry: CRUD, lists, scopes, concurrency control and archiving.

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("id")
}

#[tokio::test]
async fn the_office_registers_a_unit_and_reads_it_back_in_chinese() {
    let app = TestApp::spawn().await;
    let body = json!({
        "name": "秤架瑶族乡", "kind": "town", "contact_person": "邓丽华",
        "contact_phone": "0763-7861001", "address": "阳山县秤架瑶族乡秤架街1号"
    });
    let response = app.post("/api/v1/units", &app.office, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert_eq!(response.headers()["etag"], "\"1\"");
    let created: Value = response.json().await.expect("json");
    assert_eq!(location, format!("/api/v1/units/{}", id(&created)));
    assert_eq!(created["name"], "秤架瑶族乡");
    assert_eq!(created["archived"], false);

    let fetched: Value = app
        .get(&location, &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(fetched["address"], "阳山县秤架瑶族乡秤架街1号");
    assert_eq!(fetched["contact_person"], "邓丽华");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE name = '秤架瑶族乡' AND kind = 'town'"),
        1
    );
}

#[tokio::test]
async fn lists_are_paginated_filtered_and_stably_sorted() {
    let app = TestApp::spawn().await;
    for (name, kind) in [
        ("阳城镇", "town"),
        ("七拱镇", "town"),
        ("县财政局", "county_department"),
        ("县教育局", "county_department"),
        ("阳山县供水有限公司", "county_enterprise"),
    ] {
        app.create_unit(name, kind).await;
    }
    let page: Value = app
        .get("/api/v1/units?per_page=2&page=2", &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 5);
    assert_eq!(page["page"], 2);
    let names: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["县财政局", "县教育局"],
        "registration order by default"
    );

    let towns: Value = app
        .get("/api/v1/units?kind=town", &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(towns["total"], 2);
    let search = format!("/api/v1/units?q={}", "%E5%B1%80"); // 局
    let bureaus: Value = app
        .get(&search, &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(bureaus["total"], 2);
    let desc: Value = app
        .get("/api/v1/units?sort=id&order=desc&per_page=1", &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(desc["items"][0]["name"], "阳山县供水有限公司");
    let percent: Value = app
        .get("/api/v1/units?q=%25", &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        percent["total"], 0,
        "a % in the search is literal, not a wildcard"
    );
}

#[tokio::test]
async fn a_unit_token_reads_its_own_unit_and_nothing_of_another() {
    let app = TestApp::spawn().await;
    let own = app.create_unit("阳城镇", "town").await;
    let other = app.create_unit("七拱镇", "town").await;
    let token = app.unit_token(id(&own));

    assert_eq!(
        app.get(&format!("/api/v1/units/{}", id(&own)), &token)
            .await
            .status(),
        200
    );
    let response = app
        .get(&format!("/api/v1/units/{}", id(&other)), &token)
        .await;
    let problem = assert_problem(response, 404, "not_found").await;
    assert!(
        !problem.to_string().contains("七拱镇"),
        "nothing of the other unit leaks"
    );
    let missing = assert_problem(
        app.get("/api/v1/units/999999", &token).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        problem["detail"]
            .as_str()
            .map(|d| d.replace(&id(&other).to_string(), "N")),
        missing["detail"].as_str().map(|d| d.replace("999999", "N")),
        "another unit's id answers exactly like a missing one"
    );

    let list: Value = app
        .get("/api/v1/units", &token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "阳城镇");
}

#[tokio::test]
async fn inspectors_read_no_units_until_teams_exist() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("阳城镇", "town").await;
    let token = app.inspector_token();
    let list: Value = app
        .get("/api/v1/units", &token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["total"], 0);
    assert_problem(
        app.get(&format!("/api/v1/units/{}", id(&unit)), &token)
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_unit_may_not_update_itself_and_another_unit_is_not_found() {
    let app = TestApp::spawn().await;
    let own = app.create_unit("阳城镇", "town").await;
    let other = app.create_unit("七拱镇", "town").await;
    let token = app.unit_token(id(&own));
    let body = json!({"name": "改名镇"});
    assert_problem(
        app.patch(
            &format!("/api/v1/units/{}", id(&own)),
            &token,
            "\"1\"",
            &body,
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.patch(
            &format!("/api/v1/units/{}", id(&other)),
            &token,
            "\"1\"",
            &body,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE name = '改名镇'"),
        0
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE version = 1"),
        2
    );
}

#[tokio::test]
async fn validation_errors_list_every_offending_field_and_store_nothing() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "   ", "contact_phone": "1".repeat(101), "email": "not-an-address"});
    let problem = assert_problem(
        app.post("/api/v1/units", &app.office, &body).await,
        422,
        "validation_failed",
    )
    .await;
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default())
        .collect();
    fields.sort();
    assert_eq!(fields, ["contact_phone", "email", "kind", "name"]);
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);

    let bad_kind = app
        .post(
            "/api/v1/units",
            &app.office,
            &json!({"name": "某单位", "kind": "village"}),
        )
        .await;
    let problem = assert_problem(bad_kind, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "kind");
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn unknown_fields_are_rejected_not_ignored() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "阳城镇", "kind": "town", "archived": true});
    let problem = assert_problem(
        app.post("/api/v1/units", &app.office, &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "archived");
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn updates_need_the_current_etag_and_a_stale_one_changes_nothing() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("阳城镇", "town").await;
    let path = format!("/api/v1/units/{}", id(&unit));

    let missing = app
        .request(reqwest::Method::PATCH, &path, Some(&app.office))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .expect("send");
    assert_problem(missing, 428, "precondition_required").await;

    let first = app
        .patch(
            &path,
            &app.office,
            "\"1\"",
            &json!({"contact_person": "黄志明"}),
        )
        .await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["etag"], "\"2\"");

    let stale = app
        .patch(
            &path,
            &app.office,
            "\"1\"",
            &json!({"contact_person": "别人"}),
        )
        .await;
    assert_problem(stale, 412, "precondition_failed").await;
    let current: Value = app
        .get(&path, &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(current["contact_person"], "黄志明");
    assert_eq!(current["version"], 2);

    let cleared = app
        .patch(
            &path,
            &app.office,
            "\"2\"",
            &json!({"contact_person": null}),
        )
        .await;
    let cleared: Value = cleared.json().await.expect("json");
    assert!(
        cleared["contact_person"].is_null(),
        "null clears an optional field"
    );
    assert_eq!(cleared["name"], "阳城镇", "absent fields stay");
}

#[tokio::test]
async fn a_matching_if_none_match_answers_304() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("阳城镇", "town").await;
    let path = format!("/api/v1/units/{}", id(&unit));
    let response = app
        .request(reqwest::Method::GET, &path, Some(&app.office))
        .header("If-None-Match", "\"1\"")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 304);
    let changed = app
        .request(reqwest::Method::GET, &path, Some(&app.office))
        .header("If-None-Match", "\"0\"")
        .send()
        .await
        .expect("send");
    assert_eq!(changed.status(), 200);
}

#[tokio::test]
async fn names_are_unique_among_active_units_and_archiving_frees_a_name() {
    let app = TestApp::spawn().await;
    let first = app.create_unit("县林业局", "county_department").await;
    let duplicate = app
        .post(
            "/api/v1/units",
            &app.office,
            &json!({"name": "县林业局", "kind": "county_department"}),
        )
        .await;
    assert_problem(duplicate, 409, "unit_name_taken").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 1);

    let archived = app
        .post(
            &format!("/api/v1/units/{}/archive", id(&first)),
            &app.office,
            &json!({}),
        )
        .await;
    assert_eq!(archived.status(), 200);
    let archived: Value = archived.json().await.expect("json");
    assert_eq!(archived["archived"], true);

    let again = app.create_unit("县林业局", "county_department").await;
    assert_ne!(id(&again), id(&first));
    let restore = app
        .post(
            &format!("/api/v1/units/{}/restore", id(&first)),
            &app.office,
            &json!({}),
        )
        .await;
    assert_problem(restore, 409, "unit_name_taken").await;
}

#[tokio::test]
async fn an_archived_unit_stays_readable_and_read_only() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("县粮食局", "county_department").await;
    let path = format!("/api/v1/units/{}", id(&unit));
    app.post(&format!("{path}/archive"), &app.office, &json!({}))
        .await;

    let read: Value = app
        .get(&path, &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(read["archived"], true);
    assert!(read["archived_at"].is_string());
    let active: Value = app
        .get("/api/v1/units", &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        active["total"], 0,
        "archived units are not listed by default"
    );
    let archived: Value = app
        .get("/api/v1/units?status=archived", &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(archived["total"], 1);

    let update = app
        .patch(&path, &app.office, "\"2\"", &json!({"contact_person": "x"}))
        .await;
    assert_problem(update, 409, "unit_archived").await;
    let twice = app
        .post(&format!("{path}/archive"), &app.office, &json!({}))
        .await;
    assert_problem(twice, 409, "unit_archived").await;

    let restored = app
        .post(&format!("{path}/restore"), &app.office, &json!({}))
        .await;
    assert_eq!(restored.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE archived_at IS NULL"),
        1
    );
}

#[tokio::test]
async fn deleting_removes_an_unreferenced_unit_with_its_leaders() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("县粮食局", "county_department").await;
    app.create_leader(id(&unit), "何志强", "局长", true).await;
    let response = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/units/{}", id(&unit)),
            Some(&app.office),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 204);
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM leaders"), 0);
}

#[tokio::test]
async fn a_unit_referenced_by_assessment_data_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("县粮食局", "county_department").await;
    // Stand-in for later assessment tables: any foreign key to units blocks the delete.
    app.db
        .owner()
        .batch_execute(&format!(
            "CREATE TABLE assessment_refs (unit_id BIGINT NOT NULL REFERENCES units (id));
             INSERT INTO assessment_refs VALUES ({});",
            id(&unit)
        ))
        .expect("arrange a reference");
    let response = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/units/{}", id(&unit)),
            Some(&app.office),
        )
        .send()
        .await
        .expect("send");
    assert_problem(response, 409, "unit_referenced").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 1);
}

#[tokio::test]
async fn delete_with_a_stale_if_match_changes_nothing() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("县粮食局", "county_department").await;
    let response = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/units/{}", id(&unit)),
            Some(&app.office),
        )
        .header("If-Match", "\"9\"")
        .send()
        .await
        .expect("send");
    assert_problem(response, 412, "precondition_failed").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 1);
}

#[tokio::test]
async fn changing_a_town_with_two_first_responsible_persons_into_a_department_is_refused() {
    let app = TestApp::spawn().await;
    let town = app.create_unit("杜步镇", "town").await;
    app.create_leader(id(&town), "李建国", "党委书记", true)
        .await;
    app.create_leader(id(&town), "梁伟", "镇长", true).await;
    let response = app
        .patch(
            &format!("/api/v1/units/{}", id(&town)),
            &app.office,
            "\"1\"",
            &json!({"kind": "county_department"}),
        )
        .await;
    assert_problem(response, 409, "too_many_first_responsible").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE kind = 'town'"),
        1
    );
}
