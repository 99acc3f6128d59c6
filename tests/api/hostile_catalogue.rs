//! Hostile input through every operation of the catalogue: each string leaf of a write's JSON
//! body and each query parameter gets a NUL character, invisible-only text (where the field is
//! free text) and boundary numbers (where it is numeric). Each must answer 422 problem+json
//! whose `errors` name the field, and change nothing; the same request without the injection
//! then answers its 2xx (the positive control).
//!
//! The fields and their kinds come from the committed contract, the values from the
//! catalogue's valid requests, so a new field or operation is covered without a new line here.

use diesel::prelude::*;
use lianzheng::schema::audit_log;
use serde_json::Value;
use tokio::task::JoinSet;

use crate::catalogue::{Body, Call, Entry, PARALLEL, catalogue, contract, contract_operations};
use crate::helpers::TestApp;

/// How a field is treated, from its schema in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text a person writes: NUL and invisible-only text.
    Text,
    /// An enumeration, a date, a flag: NUL only.
    Enumerated,
    /// An exact decimal sent as a string (`Points`): NUL and out-of-range numbers.
    Decimal,
    /// An integer: boundary numbers.
    Integer,
}

/// A value put in place of a field's valid one.
#[derive(Debug, Clone)]
enum Injected {
    /// A string.
    Text(String),
    /// A JSON number written as is (it may not fit any Rust number).
    Number(&'static str),
}

/// One hostile value and its name in the report.
#[derive(Debug, Clone)]
struct Injection {
    label: &'static str,
    value: Injected,
}

const NUL: &str = "a\u{0}b";
const INVISIBLE: &str = "\u{202e}\u{200b}";
/// Boundary numbers for integer fields: (label, JSON text).
const BOUNDARIES: [(&str, &str); 4] = [
    ("zero", "0"),
    ("minus one", "-1"),
    ("i64::MAX", "9223372036854775807"),
    ("1e400", "1e400"),
];
/// Numbers a field's schema does not bound but the plan allows: (field, JSON text).
const LEGITIMATE: [(&str, &str); 2] = [
    ("routine_sample_towns", "0"),
    ("routine_sample_departments", "0"),
];
/// A sentinel replaced by a raw number after serialisation.
const SENTINEL: &str = "__hostile_number__";

fn text(label: &'static str, value: &str) -> Injection {
    Injection {
        label,
        value: Injected::Text(value.to_owned()),
    }
}

/// The injections a field of this kind and schema gets.
fn injections(field: &str, kind: Kind, schema: &Value) -> Vec<Injection> {
    let nul = text("NUL", NUL);
    match kind {
        Kind::Text => vec![nul, text("invisible-only", INVISIBLE)],
        Kind::Enumerated => vec![nul],
        Kind::Decimal => vec![
            nul,
            text("minus one", "-1.00"),
            text("i64::MAX", "9223372036854775807"),
            text("1e400", "1e400"),
        ],
        Kind::Integer => {
            let min = schema["minimum"].as_i64();
            let max = schema["maximum"].as_i64();
            BOUNDARIES
                .iter()
                .filter(|(_, raw)| {
                    // 0 and -1 are skipped where the field legitimately takes them; the huge
                    // numbers are out of range for every field (ids included: none is that big).
                    let small = raw.parse::<i64>().ok().filter(|n| *n <= 0);
                    let in_schema = small
                        .is_some_and(|n| min.is_some_and(|m| n >= m) && max.is_none_or(|m| n <= m));
                    !in_schema && !LEGITIMATE.contains(&(field, raw))
                })
                .map(|(label, raw)| Injection {
                    label,
                    value: Injected::Number(raw),
                })
                .collect()
        }
    }
}

/// The schema behind `$ref`s and nullable `oneOf`s.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return resolve(spec, &spec["components"]["schemas"][name]);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(alternative) = schema[key]
            .as_array()
            .and_then(|alts| alts.iter().find(|a| a["type"] != "null"))
        {
            return resolve(spec, alternative);
        }
    }
    schema
}

fn has_type(schema: &Value, name: &str) -> bool {
    schema["type"] == name
        || schema["type"]
            .as_array()
            .is_some_and(|types| types.iter().any(|t| t == name))
}

/// The kind of a field from its resolved schema, if it takes injections at all.
fn kind_of(schema: &Value) -> Option<Kind> {
    let not_blank = lianzheng::domain::text::not_blank_pattern();
    if schema["enum"].is_array() || has_type(schema, "boolean") {
        Some(Kind::Enumerated)
    } else if has_type(schema, "integer") {
        Some(Kind::Integer)
    } else if schema["pattern"] == not_blank.as_str()
        || schema["pattern"] == lianzheng::openapi::completion::query_pattern(&not_blank).as_str()
    {
        // The pattern of text that must not be blank (or, in a query, empty): text a person
        // writes.
        Some(Kind::Text)
    } else if schema["pattern"].is_string() {
        Some(Kind::Decimal)
    } else if schema["format"].is_string() {
        Some(Kind::Enumerated)
    } else if has_type(schema, "string") {
        Some(Kind::Text)
    } else {
        None
    }
}

/// One step into a JSON body.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// A string or number leaf of a valid body.
#[derive(Debug, Clone)]
struct Leaf {
    /// Its JSON path as the problem names it: `deductions[0].grounds`.
    path: String,
    steps: Vec<Step>,
    kind: Kind,
    schema: Value,
}

fn path_of(steps: &[Step]) -> String {
    let mut path = String::new();
    for step in steps {
        match step {
            Step::Key(key) if path.is_empty() => path.push_str(key),
            Step::Key(key) => {
                path.push('.');
                path.push_str(key);
            }
            Step::Index(index) => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// Walks `value` beside its schema and collects the leaves that take injections.
fn leaves(spec: &Value, schema: &Value, value: &Value, steps: &mut Vec<Step>, out: &mut Vec<Leaf>) {
    let schema = resolve(spec, schema);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                steps.push(Step::Key(key.clone()));
                leaves(spec, &schema["properties"][key], child, steps, out);
                steps.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                steps.push(Step::Index(index));
                leaves(spec, &schema["items"], child, steps, out);
                steps.pop();
            }
        }
        Value::String(_) | Value::Number(_) => {
            if let Some(kind) = kind_of(schema) {
                out.push(Leaf {
                    path: path_of(steps),
                    steps: steps.clone(),
                    kind,
                    schema: schema.clone(),
                });
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
}

fn set(value: &mut Value, steps: &[Step], new: Value) {
    let mut slot = value;
    for step in steps {
        slot = match step {
            Step::Key(key) => &mut slot[key.as_str()],
            Step::Index(index) => &mut slot[*index],
        };
    }
    *slot = new;
}

/// Where a probe injects.
#[derive(Debug, Clone)]
enum Target {
    /// A leaf of the JSON body.
    Body(Leaf),
    /// A query parameter, by name.
    Query(String),
}

/// One hostile request to make: a field, an injection.
#[derive(Debug, Clone)]
struct Probe {
    field: String,
    target: Target,
    injection: Injection,
}

impl Probe {
    /// The valid call with this probe's injection.
    fn apply(&self, valid: &Call) -> Call {
        let mut call = valid.clone();
        match &self.target {
            Target::Query(name) => {
                let value = match &self.injection.value {
                    Injected::Text(text) => text.clone(),
                    Injected::Number(raw) => (*raw).to_owned(),
                };
                for (n, v) in &mut call.query {
                    if n == name {
                        v.clone_from(&value);
                    }
                }
            }
            Target::Body(leaf) => {
                let Body::Json(body) = &valid.body else {
                    unreachable!("body probes come from JSON bodies")
                };
                let mut body = body.clone();
                match &self.injection.value {
                    Injected::Text(text) => {
                        set(&mut body, &leaf.steps, Value::String(text.clone()));
                        call.body = Body::Json(body);
                    }
                    Injected::Number(raw) => {
                        set(&mut body, &leaf.steps, Value::String(SENTINEL.to_owned()));
                        let text = body.to_string().replace(&format!("\"{SENTINEL}\""), raw);
                        call.body = Body::RawJson(text);
                    }
                }
            }
        }
        call
    }
}

/// The probes of one operation: its body leaves (for a write) and its query parameters.
fn probes(spec: &Value, op: &Value, entry: &Entry, call: &Call) -> Vec<Probe> {
    let mut found = Vec::new();
    if entry.is_write()
        && let Body::Json(body) = &call.body
    {
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        let mut leafs = Vec::new();
        leaves(spec, schema, body, &mut Vec::new(), &mut leafs);
        for leaf in leafs {
            for injection in injections(&leaf.path, leaf.kind, &leaf.schema) {
                found.push(Probe {
                    field: leaf.path.clone(),
                    target: Target::Body(leaf.clone()),
                    injection,
                });
            }
        }
    }
    for param in op["parameters"].as_array().into_iter().flatten() {
        if param["in"] != "query" {
            continue;
        }
        let name = param["name"].as_str().unwrap_or_default().to_owned();
        let schema = resolve(spec, &param["schema"]);
        let Some(kind) = kind_of(schema) else {
            continue;
        };
        for injection in injections(&name, kind, schema) {
            found.push(Probe {
                field: name.clone(),
                target: Target::Query(name.clone()),
                injection,
            });
        }
    }
    found
}

/// Records on the audit trail: every write appends one, so an unchanged count means nothing
/// was written.
fn audit_rows(conn: &mut PgConnection) -> i64 {
    audit_log::table
        .count()
        .get_result(conn)
        .expect("count the audit trail")
}

fn shorten(text: &str) -> String {
    text.chars().take(300).collect()
}

/// Sends every probe of `entry` and then its positive control; lists each failure as
/// `operation | field | injection | what came back`.
async fn run_entry(entry: Entry, op: Value, spec: Value, query_only: bool) -> Vec<String> {
    let name = entry.name();
    let mut failures = Vec::new();
    let mut app = TestApp::spawn_demo().await;
    let mut valid = entry.call(&app).await;
    let all = probes(&spec, &op, &entry, &valid);
    let selected: Vec<&Probe> = all
        .iter()
        .filter(|p| matches!(p.target, Target::Query(_)) == query_only)
        .collect();
    if selected.is_empty() {
        app.stop().await;
        return failures;
    }
    let mut conn = app.db.owner();
    for probe in selected {
        let before = audit_rows(&mut conn);
        let sent = probe.apply(&valid).try_send(&app).await;
        let (status, content_type, text) = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                let content_type = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                (
                    status,
                    content_type,
                    response.text().await.unwrap_or_default(),
                )
            }
            Err(e) => (0, String::new(), format!("no answer: {e:?}")),
        };
        let problem: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let named = problem["errors"]
            .as_array()
            .is_some_and(|errors| errors.iter().any(|e| e["field"] == probe.field.as_str()));
        let after = audit_rows(&mut conn);
        let mut wrong = Vec::new();
        if status != 422 {
            wrong.push(format!("status {status}"));
        }
        if status == 422 && content_type != "application/problem+json" {
            wrong.push(format!("content type {content_type}"));
        }
        if status == 422 && !named {
            wrong.push("errors do not name the field".to_owned());
        }
        if after != before {
            wrong.push(format!("audit_log grew by {}", after - before));
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{name} | {} | {} | {}: {}",
                probe.field,
                probe.injection.label,
                wrong.join(", "),
                shorten(&text)
            ));
        }
        if after != before || status == 0 {
            // The hostile request changed something (or took the server down): the later
            // probes get a fresh database and server.
            std::mem::replace(&mut app, TestApp::spawn_demo().await)
                .stop()
                .await;
            conn = app.db.owner();
            valid = entry.call(&app).await;
        }
    }
    let response = valid.send(&app).await;
    let status = response.status().as_u16();
    if status != valid.expect {
        let text = response.text().await.unwrap_or_default();
        failures.push(format!(
            "{name} | - | positive control | expected {}, got {status}: {}",
            valid.expect,
            shorten(&text)
        ));
    }
    app.stop().await;
    failures
}

/// Runs every catalogued operation's probes (query ones or body ones) and fails with the list.
async fn every_operation_refuses(query_only: bool) {
    let spec = contract();
    let operations = contract_operations(&spec);
    let mut failures = Vec::new();
    let mut probed = 0;
    let mut running = JoinSet::new();
    for entry in catalogue() {
        let Some(op) = operations
            .iter()
            .find(|(m, p, _)| *m == entry.method && p == entry.template)
            .map(|(_, _, op)| op.clone())
        else {
            failures.push(format!("{} | - | - | not in the contract", entry.name()));
            continue;
        };
        if running.len() >= PARALLEL
            && let Some(done) = running.join_next().await
        {
            failures.extend(done.unwrap_or_else(|e| vec![format!("a probe task failed: {e}")]));
        }
        let spec = spec.clone();
        running.spawn(async move {
            let name = entry.name();
            match tokio::spawn(run_entry(entry, op, spec, query_only)).await {
                Ok(found) => found,
                Err(e) => vec![format!("{name} | - | setup | failed: {e}")],
            }
        });
        probed += 1;
    }
    while let Some(done) = running.join_next().await {
        failures.extend(done.unwrap_or_else(|e| vec![format!("a probe task failed: {e}")]));
    }
    failures.sort();
    assert!(probed > 0, "the catalogue has operations");
    for failure in &failures {
        eprintln!("HOSTILE {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} hostile requests were not refused as they should be \
         (operation | field | injection | got):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_write_refuses_hostile_strings_and_numbers_in_its_body_and_changes_nothing() {
    every_operation_refuses(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_query_parameter_refuses_hostile_values_naming_the_parameter() {
    every_operation_refuses(true).await;
}

#[test]
fn the_probes_cover_text_enumerations_decimals_and_numbers_of_the_catalogue() {
    let spec = contract();
    let operations = contract_operations(&spec);
    let entry = catalogue()
        .into_iter()
        .find(|e| e.name().ends_with("/scoring-record/items/{item_code}"))
        .expect("put_record_item is catalogued");
    let op = &operations
        .iter()
        .find(|(m, p, _)| *m == entry.method && p == entry.template)
        .expect("in the contract")
        .2;
    let call = Call::put(
        "/api/v1/assessment-cycles/1/units/1/scoring-record/items/1.1",
        serde_json::json!({
            "deductions": [{
                "rule_code": "1.1-R1", "occurrences": 1, "points": "1.00",
                "grounds": "未形成会议记录", "kind": "other"
            }],
            "evidence_notes": "查阅会议记录"
        }),
    );
    let found: Vec<(String, &str)> = probes(&spec, op, &entry, &call)
        .iter()
        .map(|p| (p.field.clone(), p.injection.label))
        .collect();
    let has = |field: &str, label: &str| found.iter().any(|(f, l)| f == field && *l == label);
    assert!(has("deductions[0].grounds", "invisible-only"), "{found:?}");
    assert!(has("deductions[0].kind", "NUL"), "{found:?}");
    assert!(!has("deductions[0].kind", "invisible-only"), "{found:?}");
    assert!(has("deductions[0].points", "1e400"), "{found:?}");
    assert!(has("deductions[0].rule_code", "NUL"), "{found:?}");
    assert!(has("deductions[0].occurrences", "minus one"), "{found:?}");
    assert!(has("deductions[0].occurrences", "i64::MAX"), "{found:?}");
    assert!(has("evidence_notes", "NUL"), "{found:?}");
    let injected = probes(&spec, op, &entry, &call)
        .into_iter()
        .find(|p| p.field == "deductions[0].occurrences" && p.injection.label == "1e400")
        .expect("a 1e400 probe")
        .apply(&call);
    let Body::RawJson(text) = injected.body else {
        panic!("a raw number is sent as text")
    };
    assert!(text.contains("\"occurrences\":1e400"), "{text}");
}
