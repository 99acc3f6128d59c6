//! The contract's examples work: for every operation, the request its documented examples make
//! (path, query and header parameters' `example`, the request body's example or its schema's),
//! sent by the operation's role to a fresh copy of the demo county, answers 2xx. This is what a
//! county administrator gets from Swagger UI's "Try it out" and Execute, changing nothing.
//!
//! Two headers are state, not example data: `If-Match` carries the `ETag` a GET of the same
//! path answers (the README's rule; none when that GET answers 404, as a PUT that creates takes
//! none; an operation whose path has no GET sends its documented example, such as `"0"` for a
//! score item never written), and `If-None-Match` is never sent (a matching tag answers 304 by
//! design).
//!
//! The examples that name particular demo objects are `src/openapi/examples.rs`; the roles below
//! are the tokens a county administrator would authorize with in Swagger UI for them.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde_json::Value;

use crate::catalogue::{PARALLEL, Who};
use crate::helpers::TestApp;

/// Who sends an operation's example.
#[derive(Debug, Clone, Copy)]
enum Role {
    /// No token (the probes).
    Anonymous,
    /// The office (`office-admin`).
    Office,
    /// A user of the unit the example's `unit_id` names (unit 1, 阳城镇, when it names none).
    OwnUnit,
    /// A user of this unit (`unit-user-<id>`), for a path that names no unit.
    Unit(i64),
    /// An inspector of a demo team (`insp-<team>-leader`, `insp-<team>-a`, `insp-<team>-b`).
    Inspector(&'static str),
}

/// A member of team 1, which holds 阳城镇 (1), 青莲镇 (7) and 秤架瑶族乡 (13) in 2014.
const MEMBER: Role = Role::Inspector("insp-1-a");
/// The leader of team 1.
const LEADER: Role = Role::Inspector("insp-1-leader");

/// Each operation's role, by `operationId`: the one the README gives the call.
const ROLES: &[(&str, Role)] = &[
    ("healthz", Role::Anonymous),
    ("readyz", Role::Anonymous),
    ("list_units", Role::Office),
    ("create_unit", Role::Office),
    ("get_unit", Role::Office),
    ("delete_unit", Role::Office),
    ("update_unit", Role::Office),
    ("archive_unit", Role::Office),
    ("restore_unit", Role::Office),
    ("list_leaders", Role::Office),
    ("create_leader", Role::Office),
    ("get_leader", Role::Office),
    ("delete_leader", Role::Office),
    ("update_leader", Role::Office),
    ("list_cycles", Role::Office),
    ("create_cycle", Role::Office),
    ("get_cycle", Role::Office),
    ("update_cycle", Role::Office),
    ("list_transitions", Role::Office),
    ("create_transition", Role::Office),
    ("list_deadline_extensions", Role::Office),
    ("create_deadline_extension", Role::Office),
    ("get_deadline_extension", Role::Office),
    ("list_cycle_units", Role::Office),
    ("put_cycle_unit", Role::Office),
    ("list_forms", Role::Office),
    ("copy_forms", Role::Office),
    ("get_form", Role::Office),
    ("put_form", Role::Office),
    ("list_self_inspection_progress", Role::Office),
    ("get_self_inspection", Role::OwnUnit),
    ("put_self_inspection", Role::OwnUnit),
    ("submit_self_inspection", Role::OwnUnit),
    ("return_self_inspection", Role::Office),
    ("record_paper_copy", Role::Office),
    ("list_self_inspection_versions", Role::OwnUnit),
    ("list_accountability_reports", Role::OwnUnit),
    ("get_accountability_report", Role::OwnUnit),
    ("put_accountability_report", Role::OwnUnit),
    ("submit_accountability_report", Role::OwnUnit),
    ("return_accountability_report", Role::Office),
    ("list_teams", Role::Office),
    ("create_team", Role::Office),
    ("list_unassigned_units", Role::Office),
    ("get_team", Role::Office),
    ("update_team", Role::Office),
    ("assign_unit", Role::Office),
    ("unassign_unit", Role::Office),
    ("get_scoring_record", MEMBER),
    ("put_record_item", MEMBER),
    ("put_record_methods", MEMBER),
    ("create_referral", MEMBER),
    ("get_referral", MEMBER),
    ("delete_referral", MEMBER),
    ("submit_scoring_record", LEADER),
    ("sign_scoring_record", MEMBER),
    ("get_scoring_record_signature", MEMBER),
    ("reopen_scoring_record", Role::Office),
    ("get_team_report", MEMBER),
    ("put_team_report", MEMBER),
    // 小江镇 (9), held by team 3, has its report written.
    ("submit_team_report", Role::Inspector("insp-3-leader")),
    ("sign_team_report", MEMBER),
    ("get_team_report_signature", MEMBER),
    ("reopen_team_report", Role::Office),
    ("upload_attachment", Role::OwnUnit),
    ("download_attachment", Role::Office),
    // The attachment of 太平镇's (3) draft report.
    ("delete_attachment", Role::Unit(3)),
    ("list_audit", Role::Office),
    ("get_audit_head", Role::Office),
    ("list_audit_keys", Role::Office),
    ("get_me", Role::Office),
    ("list_my_tasks", Role::Office),
    // Reports (issue 16).
    ("get_dashboard_report", Role::Office),
    ("get_leader_grades_report", Role::Office),
    ("get_content_area_report", Role::Office),
    // Task push (issue 17 §4).
    ("list_task_deliveries", Role::Office),
    ("get_evaluation_settings", Role::Office),
    ("update_evaluation_settings", Role::Office),
    ("list_evaluation_rounds", Role::Office),
    ("create_evaluation_round", Role::Office),
    ("get_evaluation_round", Role::Office),
    ("issue_ballot_codes", Role::Office),
    ("put_paper_tally", MEMBER),
    ("close_evaluation_round", Role::Office),
    ("resume_evaluation_round", Role::Office),
    ("get_evaluation_tally", Role::Office),
    ("list_leader_grades", Role::Office),
    ("get_leader_grade", Role::Office),
    ("put_leader_grade", Role::Office),
    ("get_ballot_form", Role::Anonymous),
    ("cast_ballot", Role::Anonymous),
    ("get_routine_plan", Role::Office),
    ("put_routine_plan", Role::Office),
    ("list_routine_targets", Role::Office),
    ("get_routine_target", Role::Office),
    ("put_routine_target", Role::Office),
    ("list_routine_draws", Role::Office),
    ("commit_routine_draw", Role::Office),
    ("get_routine_draw", Role::Office),
    ("verify_routine_draw", Role::Office),
    ("seed_routine_draw", Role::Office),
    ("get_routine_visit", Role::Office),
    ("put_routine_visit", Role::Office),
    ("submit_routine_visit", Role::Office),
    ("sign_routine_visit", Role::Office),
    ("get_routine_visit_signature", Role::Office),
    ("reopen_routine_visit", Role::Office),
    ("list_routine_scores", Role::Office),
    ("create_routine_scores", Role::Office),
    ("get_routine_score", Role::Office),
    ("put_routine_score", Role::Office),
    // Results (issue 15, task RESULTS).
    ("get_result_settings", Role::Office),
    ("put_result_settings", Role::Office),
    ("put_grade_bands", Role::Office),
    ("list_results", Role::Office),
    ("get_unit_result", Role::Office),
    ("list_vetoes", Role::Office),
    ("create_veto", Role::Office),
    ("get_veto", Role::Office),
    ("delete_veto", Role::Office),
    ("list_fallback_results", Role::Office),
    ("get_fallback_result", Role::Office),
    ("put_fallback_result", Role::Office),
    ("delete_fallback_result", Role::Office),
    // Publication (issue 15, part 2).
    ("list_cycle_decisions", Role::Office),
    ("create_cycle_decision", Role::Office),
    ("get_cycle_decision", Role::Office),
    ("update_cycle_decision", Role::Office),
    // Commendations and notices (issue 15 item 6), and the acknowledgement of results.
    ("list_commendations", Role::Office),
    ("create_commendation", Role::Office),
    ("get_commendation", Role::Office),
    ("update_commendation", Role::Office),
    ("delete_commendation", Role::Office),
    ("publish_commendation", Role::Office),
    ("get_result_acknowledgement", Role::Office),
    ("acknowledge_result", Role::OwnUnit),
    // Publication versions and settings (issue 15 item 4, task SNAP).
    ("list_publications", Role::Office),
    ("get_publication", Role::Office),
    ("list_publication_changes", Role::Office),
    ("get_publication_settings", Role::Office),
    ("put_publication_settings", Role::Office),
    // Rectification (issue 15 item 5, task RECT).
    ("list_rectifications", Role::Office),
    ("get_rectification", Role::OwnUnit),
    ("put_rectification", Role::OwnUnit),
    ("submit_rectification", Role::OwnUnit),
    ("return_rectification", Role::Office),
    ("accept_rectification", Role::Office),
    // The ranking and the exports for other assessments (issue 16 §2, §7; task RANK).
    ("get_ranking_report", Role::Office),
    ("get_party_building_report", Role::Office),
    ("get_public_evaluation_report", Role::Office),
    // A unit's full report (issue 16 item 3, task UNITREP).
    ("get_unit_report", Role::Office),
    // The report to the county committee (issue 16 item 6, task COMMITTEE).
    ("get_committee_report", Role::Office),
    ("put_committee_report", Role::Office),
];

/// One operation of the generated contract.
#[derive(Debug, Clone)]
struct Operation {
    id: String,
    method: Method,
    template: String,
    op: Value,
    /// Whether the contract has a GET on the same path (where `If-Match` comes from).
    path_has_get: bool,
}

/// The generated contract (`lianzheng::openapi::spec()`), as JSON.
fn contract() -> Value {
    serde_json::from_str(&lianzheng::openapi::spec_json()).expect("the generated contract")
}

fn operations(spec: &Value) -> Vec<Operation> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        let item = item.as_object().expect("a path item");
        for (method, op) in item {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            found.push(Operation {
                id: op["operationId"].as_str().unwrap_or("").to_owned(),
                method: method.to_uppercase().parse().expect("an HTTP method"),
                template: path.clone(),
                op: op.clone(),
                path_has_get: item.contains_key("get"),
            });
        }
    }
    found
}

/// Follows `$ref`s within the contract.
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    while let Some(target) = value.get("$ref").and_then(Value::as_str) {
        value = target
            .strip_prefix('#')
            .and_then(|pointer| spec.pointer(pointer))
            .unwrap_or(&Value::Null);
    }
    value
}

/// The example a parameter or media type documents: its own `example`, the first of its
/// `examples`, or its schema's `example` (or first `examples` entry).
fn example(spec: &Value, holder: &Value) -> Option<Value> {
    if let Some(value) = holder.get("example") {
        return Some(value.clone());
    }
    if let Some(first) = holder
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|examples| examples.values().next())
    {
        return resolve(spec, first).get("value").cloned();
    }
    let schema = resolve(spec, &holder["schema"]);
    schema.get("example").cloned().or_else(|| {
        schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|list| list.first().cloned())
    })
}

/// A parameter's example as text.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The request an operation's examples make, or why none can be made.
#[derive(Debug)]
struct Example {
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    /// `If-Match` is read from a GET of `path` before sending.
    if_match_from_get: bool,
    body: Body,
    who: Who,
}

#[derive(Debug)]
enum Body {
    None,
    Json(Value),
    /// Multipart parts: (name, text value, whether it is a file).
    Multipart(Vec<(String, String, bool)>),
}

fn build(spec: &Value, operation: &Operation, role: Role) -> Result<Example, String> {
    let mut missing = Vec::new();
    let mut path = operation.template.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    let mut if_match_from_get = false;
    let mut unit_id = 1;
    for parameter in operation.op["parameters"].as_array().into_iter().flatten() {
        let parameter = resolve(spec, parameter);
        let name = parameter["name"].as_str().unwrap_or("");
        let location = parameter["in"].as_str().unwrap_or("");
        let required = parameter["required"] == true;
        if location == "header" && name.eq_ignore_ascii_case("if-none-match") {
            continue;
        }
        if location == "header" && name.eq_ignore_ascii_case("if-match") && operation.path_has_get {
            if_match_from_get = true;
            continue;
        }
        let Some(value) = example(spec, parameter) else {
            if required {
                missing.push(format!("{location} parameter `{name}`"));
            }
            continue;
        };
        match location {
            "path" => {
                if name == "unit_id" {
                    unit_id = value.as_i64().unwrap_or(unit_id);
                }
                let encoded = utf8_percent_encode(&text(&value), NON_ALPHANUMERIC).to_string();
                path = path.replace(&format!("{{{name}}}"), &encoded);
            }
            "query" => match value {
                Value::Array(values) => {
                    query.extend(values.iter().map(|v| (name.to_owned(), text(v))));
                }
                value => query.push((name.to_owned(), text(&value))),
            },
            "header" => headers.push((name.to_owned(), text(&value))),
            _ => missing.push(format!(
                "{location} parameter `{name}` (not supported here)"
            )),
        }
    }
    let body = match request_body(spec, &operation.op) {
        Ok(body) => body,
        Err(reason) => {
            missing.push(reason);
            Body::None
        }
    };
    if !missing.is_empty() {
        return Err(format!("no documented example for {}", missing.join(", ")));
    }
    let who = match role {
        Role::Anonymous => Who::Anonymous,
        Role::Office => Who::Office,
        Role::OwnUnit => Who::Unit(unit_id),
        Role::Unit(id) => Who::Unit(id),
        Role::Inspector(sub) => Who::Inspector(sub),
    };
    Ok(Example {
        path,
        query,
        headers,
        if_match_from_get,
        body,
        who,
    })
}

/// The body the request body's example makes: JSON, or the parts of a multipart form.
fn request_body(spec: &Value, op: &Value) -> Result<Body, String> {
    let Some(request_body) = op.get("requestBody").map(|b| resolve(spec, b)) else {
        return Ok(Body::None);
    };
    let required = request_body["required"] == true;
    let content = request_body["content"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    if let Some(media) = content.get("application/json") {
        return match example(spec, media) {
            Some(value) => Ok(Body::Json(value)),
            None if required => Err("the JSON request body".to_owned()),
            None => Ok(Body::None),
        };
    }
    if let Some(media) = content.get("multipart/form-data") {
        let Some(Value::Object(fields)) = example(spec, media) else {
            return if required {
                Err("the multipart request body".to_owned())
            } else {
                Ok(Body::None)
            };
        };
        let properties = &resolve(spec, &media["schema"])["properties"];
        let parts = fields
            .iter()
            .map(|(name, value)| {
                let schema = resolve(spec, &properties[name]);
                let is_file = schema["format"] == "binary"
                    || schema.get("contentMediaType").is_some()
                    || schema.get("contentEncoding").is_some();
                (name.clone(), text(value), is_file)
            })
            .collect();
        return Ok(Body::Multipart(parts));
    }
    if required {
        let types: Vec<&String> = content.keys().collect();
        return Err(format!(
            "a request body of a type this test cannot send: {types:?}"
        ));
    }
    Ok(Body::None)
}

/// Sends `example` to `app` and returns its status and body.
async fn send(app: &TestApp, method: Method, example: &Example) -> (u16, String) {
    let token = example.who.token(app);
    let mut target = example.path.clone();
    if !example.query.is_empty() {
        let pairs: Vec<String> = example
            .query
            .iter()
            .map(|(name, value)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(name, NON_ALPHANUMERIC),
                    utf8_percent_encode(value, NON_ALPHANUMERIC)
                )
            })
            .collect();
        target = format!("{target}?{}", pairs.join("&"));
    }
    let mut builder = app.request(method, &target, token.as_deref());
    if example.if_match_from_get {
        let read = app
            .request(Method::GET, &example.path, token.as_deref())
            .send()
            .await
            .expect("send the GET for the ETag");
        let status = read.status().as_u16();
        match read.headers().get("etag").cloned() {
            Some(tag) => builder = builder.header("If-Match", tag),
            None if status == 404 => {}
            None => {
                let body = read.text().await.unwrap_or_default();
                return (
                    status,
                    format!("(the GET for If-Match sent no ETag) {body}"),
                );
            }
        }
    }
    for (name, value) in &example.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder = match &example.body {
        Body::None => builder,
        Body::Json(value) => builder.json(value),
        Body::Multipart(parts) => {
            let mut form = reqwest::multipart::Form::new();
            for (name, value, is_file) in parts {
                form = if *is_file {
                    let part = reqwest::multipart::Part::bytes(value.clone().into_bytes())
                        .file_name(format!("{name}.txt"));
                    form.part(name.clone(), part)
                } else {
                    form.text(name.clone(), value.clone())
                };
            }
            builder.multipart(form)
        }
    };
    let response = builder.send().await.expect("send the example");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// Runs one operation's example on a fresh demo county; `Err` says why it did not answer 2xx.
async fn run(spec: Value, operation: Operation, role: Role) -> Result<u16, String> {
    let name = format!(
        "{} ({} {})",
        operation.id, operation.method, operation.template
    );
    let example = build(&spec, &operation, role).map_err(|why| format!("{name}: {why}"))?;
    let app = TestApp::spawn_demo().await;
    let (status, body) = send(&app, operation.method.clone(), &example).await;
    app.stop().await;
    if (200..300).contains(&status) {
        Ok(status)
    } else {
        let body: String = body.chars().take(300).collect();
        Err(format!("{name} as {:?}: {status} {body}", example.who))
    }
}

fn role_of(id: &str) -> Option<Role> {
    ROLES
        .iter()
        .find(|(op, _)| *op == id)
        .map(|(_, role)| *role)
}

#[test]
fn every_operation_of_the_contract_has_a_role_for_its_example() {
    let spec = contract();
    let ids: Vec<String> = operations(&spec).into_iter().map(|o| o.id).collect();
    let without: Vec<&String> = ids.iter().filter(|id| role_of(id).is_none()).collect();
    let unknown: Vec<&str> = ROLES
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !ids.iter().any(|known| known == id))
        .collect();
    assert!(
        without.is_empty() && unknown.is_empty(),
        "operations without a role: {without:?}\nroles of no operation: {unknown:?}"
    );
}

/// Swagger UI fills every parameter's example into Try it out: a filter's would narrow the list
/// the administrator first sees (`q=镇` listed only the towns), so only paging has examples.
#[test]
fn no_list_filter_is_filled_in() {
    let spec = contract();
    let mut filled = Vec::new();
    for operation in operations(&spec) {
        for parameter in operation.op["parameters"].as_array().into_iter().flatten() {
            let parameter = resolve(&spec, parameter);
            let name = parameter["name"].as_str().unwrap_or("");
            if parameter["in"] == "query"
                && !["page", "per_page"].contains(&name)
                && example(&spec, parameter).is_some()
            {
                filled.push(format!("{} `{name}`", operation.id));
            }
        }
    }
    assert_eq!(
        filled,
        Vec::<String>::new(),
        "query filters with an example"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_documented_example_succeeds_as_its_role_on_the_demo_county() {
    let spec = contract();
    let mut failures = Vec::new();
    let mut passed = 0;
    let mut running = tokio::task::JoinSet::new();
    for operation in operations(&spec) {
        let role = role_of(&operation.id)
            .unwrap_or_else(|| panic!("{} has no role in ROLES", operation.id));
        if running.len() >= PARALLEL
            && let Some(done) = running.join_next().await
        {
            match done.expect("an example task") {
                Ok(_) => passed += 1,
                Err(why) => failures.push(why),
            }
        }
        running.spawn(run(spec.clone(), operation, role));
    }
    while let Some(done) = running.join_next().await {
        match done.expect("an example task") {
            Ok(_) => passed += 1,
            Err(why) => failures.push(why),
        }
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} documented examples did not answer 2xx:\n{}",
        failures.len(),
        failures.len() + passed,
        failures.join("\n")
    );
}
