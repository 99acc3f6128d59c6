//! A unit's leadership team.

use serde_json::{Value, json};

use crate::fixtures;
use crate::helpers::{TestApp, assert_problem};

#[tokio::test]
async fn a_town_has_at_most_two_first_responsible_persons_and_a_department_one() {
    let app = TestApp::spawn().await;
    let town = fixtures::unit(&app, "阳城镇", "town").await.id;
    app.create_leader(town, "李建国", "党委书记", true).await;
    app.create_leader(town, "梁伟", "镇长", true).await;
    app.create_leader(town, "何丽", "纪委书记", false).await;
    let third = app
        .post(
            &format!("/api/v1/units/{town}/leaders"),
            &app.office,
            &json!({"name": "张三", "position": "副镇长", "is_first_responsible": true}),
        )
        .await;
    assert_problem(third, 409, "too_many_first_responsible").await;

    let dept = fixtures::unit(&app, "县审计局", "county_department")
        .await
        .id;
    app.create_leader(dept, "罗志明", "局长", true).await;
    let second = app
        .post(
            &format!("/api/v1/units/{dept}/leaders"),
            &app.office,
            &json!({"name": "谢芳", "position": "党组书记", "is_first_responsible": true}),
        )
        .await;
    assert_problem(second, 409, "too_many_first_responsible").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM leaders WHERE is_first_responsible"),
        3
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM leaders"), 4);
}

#[tokio::test]
async fn leaders_are_listed_first_responsible_first_and_read_only_within_scope() {
    let app = TestApp::spawn().await;
    let own = fixtures::unit(&app, "阳城镇", "town").await.id;
    let other = fixtures::unit(&app, "七拱镇", "town").await.id;
    app.create_leader(own, "何丽", "纪委书记", false).await;
    app.create_leader(own, "李建国", "党委书记", true).await;
    let foreign = fixtures::leader(&app, other, "陈伟", "党委书记", true)
        .await
        .id;

    let token = app.unit_token(own);
    let list: Value = app
        .get(&format!("/api/v1/units/{own}/leaders"), &token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["name"], "李建国");

    assert_problem(
        app.get(&format!("/api/v1/units/{other}/leaders"), &token)
            .await,
        404,
        "not_found",
    )
    .await;
    // Another unit's leader through one's own unit's path is not found either.
    assert_problem(
        app.get(&format!("/api/v1/units/{own}/leaders/{foreign}"), &token)
            .await,
        404,
        "not_found",
    )
    .await;
    let create = app
        .post(
            &format!("/api/v1/units/{own}/leaders"),
            &token,
            &json!({"name": "x", "position": "y"}),
        )
        .await;
    assert_problem(create, 403, "forbidden").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM leaders"), 3);
}

#[tokio::test]
async fn a_leader_update_needs_the_current_etag() {
    let app = TestApp::spawn().await;
    let unit = fixtures::unit(&app, "县审计局", "county_department")
        .await
        .id;
    let leader = fixtures::leader(&app, unit, "罗志明", "局长", true).await;
    let path = format!("/api/v1/units/{unit}/leaders/{}", leader.id);
    let ok = app
        .patch(
            &path,
            &app.office,
            &leader.etag,
            &json!({"position": "局长、党组书记"}),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let stale = app
        .patch(
            &path,
            &app.office,
            &leader.etag,
            &json!({"position": "副局长"}),
        )
        .await;
    assert_problem(stale, 412, "precondition_failed").await;
    let current: Value = app
        .get(&path, &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(current["position"], "局长、党组书记");

    let blank = app
        .patch(&path, &app.office, "\"2\"", &json!({"name": ""}))
        .await;
    assert_problem(blank, 422, "validation_failed").await;
    let deleted = app
        .request(reqwest::Method::DELETE, &path, Some(&app.office))
        .send()
        .await
        .expect("send");
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.count("SELECT count(*) AS n FROM leaders"), 0);
}
