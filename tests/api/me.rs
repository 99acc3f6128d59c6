//! `GET /api/v1/me` and `GET /api/v1/me/tasks` (issue 17): the caller's profile, whose
//! permissions agree with the handlers, and the to-do list walked with the test clock.

use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use lianzheng::auth::Role;
use lianzheng::auth::policy::{POLICY, roles_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::catalogue::{
    self, Call, Entry, PARALLEL, Who, catalogue, contract, contract_operations, inspector,
};
use crate::helpers::TestApp;

/// An instant in China Standard Time.
fn china(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .expect("offset")
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc)
}

async fn json_of(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.expect("json")
}

async fn tasks(app: &TestApp, token: &str) -> Vec<Value> {
    let list = json_of(app, "/api/v1/me/tasks", token).await;
    assert_eq!(list["count"], list["items"].as_array().map_or(0, Vec::len));
    list["items"].as_array().cloned().unwrap_or_default()
}

fn of_kind<'a>(items: &'a [Value], kind: &str, unit: i64) -> Option<&'a Value> {
    items
        .iter()
        .find(|t| t["kind"] == kind && t["unit_id"] == unit)
}

#[tokio::test]
async fn me_shows_each_role_its_unit_or_teams_and_what_it_may_do() {
    let app = TestApp::spawn_demo().await;
    let unit = json_of(&app, "/api/v1/me", &app.unit_token(3)).await;
    assert_eq!(unit["role"], "unit");
    assert_eq!(unit["sub"], "unit-user-3");
    assert_eq!(unit["unit"]["id"], 3);
    assert_eq!(unit["unit"]["name"], "太平镇");
    assert_eq!(unit["teams"], json!([]));
    let permissions = unit["permissions"].as_array().expect("permissions");
    assert!(permissions.contains(&json!("submit_self_inspection")));
    assert!(!permissions.contains(&json!("create_unit")));

    let leader = app.token(Role::Inspector, "insp-5-leader", None);
    let me = json_of(&app, "/api/v1/me", &leader).await;
    assert_eq!(me["role"], "inspector");
    assert_eq!(me["unit"], Value::Null);
    let teams = me["teams"].as_array().expect("teams");
    assert_eq!(teams.len(), 1, "{me}");
    assert_eq!(teams[0]["cycle_id"], 1);
    assert_eq!(teams[0]["leader"], true);
    let held: Vec<i64> = teams[0]["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| u["id"].as_i64().expect("id"))
        .collect();
    let expected = app.count(
        "SELECT count(*) AS n FROM team_units WHERE cycle_id = 1 AND team_id = \
         (SELECT id FROM inspection_teams WHERE leader_sub = 'insp-5-leader' AND cycle_id = 1)",
    );
    assert_eq!(held.len() as i64, expected);
    assert!(held.contains(&5), "team 5 holds 江英镇: {held:?}");
    let permissions = me["permissions"].as_array().expect("permissions");
    assert!(permissions.contains(&json!("sign_scoring_record")));
    assert!(!permissions.contains(&json!("reopen_scoring_record")));

    let office = json_of(&app, "/api/v1/me", &app.office).await;
    assert_eq!(office["role"], "office");
    assert_eq!(office["teams"], json!([]));
    assert!(
        office["permissions"]
            .as_array()
            .expect("permissions")
            .contains(&json!("reopen_scoring_record"))
    );
}

#[test]
fn the_permission_table_names_every_operation_behind_a_token_and_no_other() {
    let spec = contract();
    let mut secured: Vec<String> = contract_operations(&spec)
        .into_iter()
        .filter(|(_, _, op)| op.get("security").is_some())
        .map(|(_, _, op)| op["operationId"].as_str().expect("id").to_owned())
        .collect();
    secured.sort();
    let mut listed: Vec<String> = POLICY.iter().map(|(id, _)| (*id).to_owned()).collect();
    listed.sort();
    assert_eq!(listed, secured);
}

/// The caller of `role` closest to the call's object: the unit in its path, that unit's team
/// leader in the demo cycle (team 1 when none), or the office.
fn caller(app: &TestApp, role: Role, path: &str) -> Who {
    let unit = path
        .split('/')
        .skip_while(|s| *s != "units")
        .nth(1)
        .and_then(|s| s.parse::<i64>().ok());
    match role {
        Role::Office => Who::Office,
        Role::Unit => Who::Unit(unit.unwrap_or(1)),
        Role::Inspector => {
            let team = unit
                .map(|u| {
                    app.count(&format!(
                        "SELECT COALESCE(max(t.id), 1) AS n FROM team_units tu \
                         JOIN inspection_teams t ON t.id = tu.team_id \
                         WHERE tu.cycle_id = 1 AND tu.unit_id = {u}"
                    ))
                })
                .unwrap_or(1);
            inspector(team, "leader")
        }
    }
}

/// Operations whose 403 `forbidden` also comes from a rule of the object, not of the role.
const OBJECT_RULES: &[(&str, &str)] = &[(
    "delete_attachment",
    "only its uploader removes an attachment: another caller of an allowed role gets 403",
)];

async fn agreement(entry: Entry, operation: String) -> Vec<String> {
    let app = TestApp::spawn_demo().await;
    let call: Call = entry.call(&app).await;
    let allowed = roles_of(&operation);
    let mut failures = Vec::new();
    // The refused roles first: a 403 changes nothing, so the allowed ones still find the
    // objects as the entry prepared them.
    let mut roles = vec![Role::Office, Role::Inspector, Role::Unit];
    roles.sort_by_key(|r| allowed.contains(r));
    for role in roles {
        let as_role = call.clone().by(caller(&app, role, &call.path));
        let response = as_role.send(&app).await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let forbidden = status == 403 && body["code"] == "forbidden";
        // A refused role is answered 403 `forbidden`, or 404 where the scope rule runs first
        // and the object is outside the caller's scope (ARCHITECTURE.md, "Access rule"); an
        // allowed role is never answered 403 `forbidden`, except by an object's own rule.
        let agrees = if allowed.contains(&role) {
            !forbidden || OBJECT_RULES.iter().any(|(op, _)| *op == operation)
        } else {
            forbidden || status == 404
        };
        if !agrees {
            failures.push(format!(
                "{operation} as {role:?}: the table says {}, the handler answered {status} {}",
                if allowed.contains(&role) {
                    "allowed"
                } else {
                    "refused"
                },
                body["code"]
            ));
        }
    }
    app.stop().await;
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn me_permissions_agree_with_the_handlers_for_every_operation_and_role() {
    let spec = contract();
    let operations = contract_operations(&spec);
    let mut failures = Vec::new();
    let mut running = tokio::task::JoinSet::new();
    for entry in catalogue() {
        let Some((_, _, op)) = operations
            .iter()
            .find(|(m, p, _)| *m == entry.method && p == entry.template)
        else {
            continue;
        };
        if op.get("security").is_none() {
            continue;
        }
        let id = op["operationId"].as_str().expect("id").to_owned();
        if running.len() >= PARALLEL
            && let Some(done) = running.join_next().await
        {
            failures.extend(done.expect("an agreement task"));
        }
        running.spawn(async move {
            match tokio::spawn(agreement(entry, id)).await {
                Ok(found) => found,
                Err(e) => vec![format!("{}: the setup failed: {e}", entry.name())],
            }
        });
    }
    while let Some(done) = running.join_next().await {
        failures.extend(done.expect("an agreement task"));
    }
    failures.sort();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn a_unit_sees_its_own_tasks_turn_overdue_and_go_when_done() {
    // 15 September 2014: the self-inspection is due on the 20th.
    let app = TestApp::spawn_demo_at(china(2014, 9, 15, 10, 0)).await;
    let returned = app.unit_token(catalogue_unit_returned());
    let items = tasks(&app, &returned).await;
    assert!(
        items.iter().all(|t| t["unit_id"] == 3),
        "only its own unit: {items:?}"
    );
    let task = of_kind(&items, "submit_self_inspection", 3).expect("the returned report");
    assert_eq!(task["due"], "2014-09-20");
    assert_eq!(task["overdue"], false);
    assert!(task["title"].as_str().expect("title").contains("重新提交"));
    assert_eq!(
        task["resource"],
        "/api/v1/assessment-cycles/1/units/3/self-inspection"
    );

    // The last second of the 20th in Beijing: still on time; the next: overdue.
    app.clock.set(china(2014, 9, 20, 23, 59));
    let items = tasks(&app, &returned).await;
    assert_eq!(
        of_kind(&items, "submit_self_inspection", 3).expect("task")["overdue"],
        false
    );
    app.clock.set(china(2014, 9, 21, 0, 0));
    let items = tasks(&app, &returned).await;
    assert_eq!(
        of_kind(&items, "submit_self_inspection", 3).expect("task")["overdue"],
        true
    );

    let submitted = app
        .post(
            "/api/v1/assessment-cycles/1/units/3/self-inspection/submit",
            &returned,
            &json!({}),
        )
        .await;
    assert_eq!(submitted.status(), StatusCode::OK);
    let body: Value = submitted.json().await.expect("json");
    assert_eq!(body["late"], true, "late by the test clock: {body}");
    let items = tasks(&app, &returned).await;
    assert!(
        of_kind(&items, "submit_self_inspection", 3).is_none(),
        "{items:?}"
    );

    // The unit that has submitted nothing owes its report and its accountability report.
    let silent = tasks(&app, &app.unit_token(73)).await;
    assert!(silent.iter().all(|t| t["unit_id"] == 73), "{silent:?}");
    assert!(of_kind(&silent, "submit_self_inspection", 73).is_some());
    assert!(of_kind(&silent, "submit_accountability_report", 73).is_some());
}

fn catalogue_unit_returned() -> i64 {
    3
}

#[tokio::test]
async fn an_inspector_signs_what_waits_for_them_and_sees_only_their_teams_units() {
    let app = TestApp::spawn_demo_at(china(2014, 9, 25, 9, 0)).await;
    let member = app.token(Role::Inspector, "insp-5-a", None);
    let team_units: Vec<i64> = json_of(&app, "/api/v1/me", &member).await["teams"][0]["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| u["id"].as_i64().expect("id"))
        .collect();
    let items = tasks(&app, &member).await;
    assert!(!items.is_empty());
    for task in &items {
        let unit = task["unit_id"].as_i64().expect("a unit");
        assert!(team_units.contains(&unit), "{task} is not team 5's");
    }
    let sign = of_kind(&items, "sign_scoring_record", 5).expect("江英镇's sheet awaits them");
    let cycle = json_of(&app, "/api/v1/assessment-cycles/1", &member).await;
    assert_eq!(sign["due"], cycle["special_inspection_ends"], "{cycle}");
    assert_eq!(sign["overdue"], false);
    // The leader has signed it already: nothing to sign for them.
    let leader = app.token(Role::Inspector, "insp-5-leader", None);
    assert!(of_kind(&tasks(&app, &leader).await, "sign_scoring_record", 5).is_none());

    let signed = catalogue::Call::post(
        "/api/v1/assessment-cycles/1/units/5/scoring-record/signatures",
        json!({}),
    )
    .by(inspector(5, "a"))
    .send(&app)
    .await;
    assert_eq!(signed.status(), StatusCode::CREATED);
    assert!(of_kind(&tasks(&app, &member).await, "sign_scoring_record", 5).is_none());

    // Another team's inspector never sees team 5's units.
    let other = app.token(Role::Inspector, "insp-1-a", None);
    assert!(
        tasks(&app, &other)
            .await
            .iter()
            .all(|t| !team_units.contains(&t["unit_id"].as_i64().unwrap_or(-1)))
    );
}

fn varies_by_authorization(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("authorization"))
}

#[tokio::test]
async fn the_office_sees_paper_copies_owed_and_the_cycles_next_step_with_a_cheap_poll() {
    let app = TestApp::spawn_demo_at(china(2014, 9, 25, 9, 0)).await;
    let received = app.count(
        "SELECT count(*) AS n FROM self_inspections WHERE cycle_id = 1 AND unit_id = 1 \
         AND paper_received_at IS NOT NULL",
    );
    let items = tasks(&app, &app.office).await;
    assert_eq!(
        of_kind(&items, "paper_copy_missing", 1).is_some(),
        received == 0,
        "a paper copy task exactly when none is recorded"
    );
    let missing = of_kind(&items, "self_inspection_missing", 73).expect("73 has submitted nothing");
    assert_eq!(missing["overdue"], true);
    let step = items
        .iter()
        .find(|t| t["cycle_id"] == 1 && t["unit_id"].is_null())
        .expect("the cycle's next step");
    assert_eq!(step["kind"], "advance_cycle", "{step}");
    assert_eq!(step["resource"], "/api/v1/assessment-cycles/1/transitions");

    let badge = json_of(&app, "/api/v1/me/tasks?count_only=true", &app.office).await;
    assert_eq!(badge["count"], items.len());
    assert!(badge.get("items").is_none());

    // Polling: 304 while nothing changed, with Vary: Authorization.
    let first = app.get("/api/v1/me/tasks", &app.office).await;
    assert!(varies_by_authorization(&first), "{:?}", first.headers());
    assert_eq!(first.headers()["cache-control"], "no-store");
    let etag = first.headers()["etag"].to_str().expect("etag").to_owned();
    let again = app
        .request(reqwest::Method::GET, "/api/v1/me/tasks", Some(&app.office))
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("poll");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(varies_by_authorization(&again), "{:?}", again.headers());

    // The day turns in China: the tag changes even though no task did.
    app.clock.set(china(2014, 9, 26, 0, 0));
    let next_day = app
        .request(reqwest::Method::GET, "/api/v1/me/tasks", Some(&app.office))
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("poll");
    assert_eq!(next_day.status(), StatusCode::OK);
    assert_ne!(next_day.headers()["etag"].to_str().expect("etag"), etag);

    // Recording the paper copy removes the task and changes the tag.
    let day_tag = next_day.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned();
    if received == 0 {
        let recorded = app
            .post(
                "/api/v1/assessment-cycles/1/units/1/self-inspection/paper-received",
                &app.office,
                &json!({"received_at": "2014-09-19T09:30:00+08:00"}),
            )
            .await;
        assert_eq!(recorded.status(), StatusCode::OK);
        let after = app.get("/api/v1/me/tasks", &app.office).await;
        assert_ne!(after.headers()["etag"].to_str().expect("etag"), day_tag);
        let items: Vec<Value> = after.json::<Value>().await.expect("json")["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(of_kind(&items, "paper_copy_missing", 1).is_none());
    }
}

/// How many statements the task list runs for `user` on one connection.
fn queries(conn: &mut PgConnection, user: &lianzheng::auth::AuthUser) -> (usize, usize) {
    let (count, items) = crate::statements::statements(conn, |conn| {
        lianzheng::ops::tasks::for_caller(conn, user, china(2014, 9, 25, 9, 0))
    });
    (count, items.expect("tasks").len())
}

#[tokio::test]
async fn the_task_list_runs_as_many_queries_for_300_units_as_for_30() {
    let app = TestApp::spawn_demo().await;
    let mut conn = app.db.owner();
    let users = [
        lianzheng::auth::AuthUser {
            sub: "office-admin".into(),
            name: "办公室".into(),
            role: Role::Office,
            unit_id: None,
            request_id: None,
        },
        lianzheng::auth::AuthUser {
            sub: "insp-1-leader".into(),
            name: "组长".into(),
            role: Role::Inspector,
            unit_id: None,
            request_id: None,
        },
    ];
    crate::fixtures::add_units_half_on_team_1(&mut conn, 30, 1);
    let small: Vec<(usize, usize)> = users.iter().map(|u| queries(&mut conn, u)).collect();
    crate::fixtures::add_units_half_on_team_1(&mut conn, 270, 31);
    let large: Vec<(usize, usize)> = users.iter().map(|u| queries(&mut conn, u)).collect();
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE name LIKE '批量单位%'"),
        300
    );
    for (s, l) in small.iter().zip(&large) {
        assert_eq!(s.0, l.0, "queries for 30 and for 300 units");
        assert!(
            l.1 >= s.1 + 270,
            "the larger county has more tasks: {s:?} {l:?}"
        );
    }
}

#[tokio::test]
async fn the_office_is_asked_for_routine_visits_not_final_and_scores_missing_in_the_review() {
    let app = TestApp::spawn_demo().await;
    // Visits begun and not final, in the open cycles (the demo reopened two for correction).
    #[derive(diesel::QueryableByName)]
    struct Pair {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        cycle_id: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        unit_id: i64,
    }
    let pairs = |sql: &str| -> Vec<(i64, i64)> {
        diesel::sql_query(sql)
            .load::<Pair>(&mut app.db.owner())
            .expect("pairs")
            .into_iter()
            .map(|p| (p.cycle_id, p.unit_id))
            .collect()
    };
    let pending = pairs(
        "SELECT v.cycle_id, v.unit_id FROM routine_visits v \
         JOIN assessment_cycles c ON c.id = v.cycle_id \
         WHERE v.status <> 'final' \
           AND c.state IN ('self_inspection', 'special_inspection', 'review') \
         ORDER BY 1, 2",
    );
    assert!(!pending.is_empty(), "the demo has visits reopened");
    // Units of the cycle in review (2011) without a routine score.
    let unscored = pairs(
        "SELECT cu.cycle_id, cu.unit_id FROM cycle_units cu \
         JOIN assessment_cycles c ON c.id = cu.cycle_id \
         WHERE c.state = 'review' AND cu.status = 'assessed' AND NOT EXISTS \
           (SELECT 1 FROM routine_scores r WHERE r.cycle_id = cu.cycle_id \
            AND r.unit_id = cu.unit_id) ORDER BY 1, 2",
    );
    assert!(!unscored.is_empty(), "the 2011 cycle lacks routine scores");
    let listed = |items: &[Value], kind: &str| -> Vec<(i64, i64)> {
        let mut found: Vec<(i64, i64)> = items
            .iter()
            .filter(|t| t["kind"] == kind)
            .map(|t| {
                let n = |f: &str| t[f].as_i64().unwrap_or_else(|| panic!("{f} of {t}"));
                (n("cycle_id"), n("unit_id"))
            })
            .collect();
        found.sort_unstable();
        found
    };
    let items = tasks(&app, &app.office).await;
    assert_eq!(listed(&items, "routine_visit_pending"), pending);
    assert_eq!(listed(&items, "enter_routine_score"), unscored);
    let task = items
        .iter()
        .find(|t| t["kind"] == "enter_routine_score")
        .expect("a task");
    assert!(task["due_on"].is_null(), "{task}");
    // Neither reaches a unit or an inspector of that unit's team.
    let (cycle, unit) = unscored[0];
    #[derive(diesel::QueryableByName)]
    struct Sub {
        #[diesel(sql_type = diesel::sql_types::Text)]
        sub: String,
    }
    let member: Sub = diesel::sql_query(format!(
        "SELECT m.sub FROM team_members m JOIN team_units tu ON tu.team_id = m.team_id \
         WHERE tu.cycle_id = {cycle} AND tu.unit_id = {unit} LIMIT 1"
    ))
    .get_result(&mut app.db.owner())
    .expect("a member of the unit's team");
    let inspector = app.token(Role::Inspector, &member.sub, None);
    for token in [app.unit_token(unit), inspector] {
        let theirs = tasks(&app, &token).await;
        assert!(listed(&theirs, "enter_routine_score").is_empty());
        assert!(listed(&theirs, "routine_visit_pending").is_empty());
    }
    // The score entered: that unit's task goes, the others stay.
    let entered = app
        .post(
            &format!("/api/v1/assessment-cycles/{cycle}/spot-checks/scores"),
            &app.office,
            &json!({"scores": [
                {"unit_id": unit, "score": "9.00", "note": "按平时掌握情况评定"}
            ]}),
        )
        .await;
    assert_eq!(entered.status(), StatusCode::OK);
    let after = tasks(&app, &app.office).await;
    assert_eq!(
        listed(&after, "enter_routine_score"),
        unscored[1..].to_vec()
    );
    app.stop().await;
}
