//! The rules that complete every operation of the contract, so that no handler writes the same
//! error responses and headers by hand.
//!
//! A handler declares what is its own: its success response, its parameters, and the error
//! statuses that depend on its role or state (with the markers of [`super::responses`]). What
//! follows from the shape of an operation is added here, by rule:
//!
//! | when | added |
//! | --- | --- |
//! | every operation | 422 (a query or path value PostgreSQL cannot store), 500, and the |
//! |  | `Accept-Language` of its problems |
//! | every operation but `/healthz` | 503 with `Retry-After` |
//! | a token is needed | 401 |
//! | a path parameter | 404 |
//! | a query parameter, a body, or `POST` | 400 |
//! | a declared body | 413, 415 |
//! | `POST` | `Idempotency-Key`, 409 (a retry still running), `Idempotent-Replayed` on 2xx, |
//! |  | an optional body where the handler reads none, so no body and `{}` are both valid |
//! | a JSON body | required only where `{}` lacks a required field (empty reads as `{}`) |
//! | an `If-Match` header | 412; 428 where it is required, or on a `PUT` that creates first; |
//! |  | `If-Match` is a plain string |
//! | a `GET` whose 200 sends `ETag` | `If-None-Match`, 304 |
//!
//! Every problem response is a `$ref` to one of `components/responses`. The contract is also
//! given OpenAPI links (a read to the conditional writes its `ETag` allows, a list to the read
//! of its first item, a creation to what it created), and made to say what the server always
//! sends: every property of a schema that only responses use is required (nullable where it
//! may be null), and each `Page_*` refers to its item schema instead of copying it. Every string
//! enumeration of [`LABELLED_ENUMS`] gets its values' Chinese labels, in its `description` and
//! as `x-enum-descriptions`.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, Value, json};

use crate::error::PROBLEM_JSON;

/// Request paths whose `POST` ignores `Idempotency-Key`
/// (see [`crate::http::idempotency::EXEMPT_PATH_SUFFIXES`]).
fn idempotent(path: &str) -> bool {
    !crate::http::idempotency::EXEMPT_PATH_SUFFIXES
        .iter()
        .any(|suffix| path.ends_with(suffix))
}

/// The shared responses: name, status, description (Chinese first), extra headers.
const SHARED: &[(&str, &str, &str)] = &[
    (
        "BadRequest",
        "400",
        "请求无法解析 (400): malformed JSON (`malformed_json`), a query string that does not \
         parse (`invalid_query`), an `Idempotency-Key` that is not 1 to 255 visible ASCII \
         characters (`invalid_idempotency_key`), or a body that stopped arriving \
         (`body_timeout`).",
    ),
    (
        "Unauthorized",
        "401",
        "未登录或令牌无效 (401): no bearer token, or one that does not verify \
         (`token_missing`, `token_invalid`, `token_expired`).",
    ),
    (
        "Forbidden",
        "403",
        "无权执行 (403): the object is within the caller's scope, but their role may not do \
         this (`forbidden`).",
    ),
    (
        "NotFound",
        "404",
        "不存在，或不在调用者的权限范围内 (404): no such object, or one outside the caller's \
         scope; the two are not told apart (`not_found`).",
    ),
    (
        "NotAcceptable",
        "406",
        "无法提供所要求的格式 (406): neither the `format` parameter nor `Accept` names a format \
         this report is served in (`not_acceptable`).",
    ),
    (
        "Conflict",
        "409",
        "与当前状态冲突 (409): the request conflicts with the object's state, or a request with \
         the same `Idempotency-Key` is still running (`idempotency_in_flight`). The `code` \
         names the conflict.",
    ),
    (
        "PreconditionFailed",
        "412",
        "版本已变化 (412): `If-Match` does not match the current `ETag`; nothing was changed \
         (`precondition_failed`). Read again and retry.",
    ),
    (
        "PayloadTooLarge",
        "413",
        "请求体过大 (413): the body is over the configured limit (`payload_too_large`).",
    ),
    (
        "UnsupportedMediaType",
        "415",
        "不支持的媒体类型 (415): the body is not of a media type this call accepts \
         (`unsupported_media_type`).",
    ),
    (
        "UnprocessableContent",
        "422",
        "校验未通过 (422): the request was read but breaks the rules; `errors` lists every \
         offending field (`validation_failed`).",
    ),
    (
        "PreconditionRequired",
        "428",
        "缺少 If-Match (428): this write needs `If-Match` with the current `ETag` \
         (`precondition_required`).",
    ),
    (
        "TooManyRequests",
        "429",
        "请求过于频繁 (429): too many failed attempts from this address; retry after \
         `Retry-After` seconds (`too_many_failures`).",
    ),
    (
        "ServiceUnavailable",
        "503",
        "服务暂不可用 (503): the database is unavailable or too slow; retry after \
         `Retry-After` seconds (`service_unavailable`).",
    ),
    (
        "InternalError",
        "500",
        "内部错误 (500): an unexpected error; it is logged, and no details are shown \
         (`internal_error`).",
    ),
];

/// The `$ref` of the shared response for `status`.
fn shared_ref(status: &str) -> Option<Value> {
    SHARED
        .iter()
        .find(|(_, s, _)| *s == status)
        .map(|(name, _, _)| json!({ "$ref": format!("#/components/responses/{name}") }))
}

/// The shared responses, to go in `components/responses`.
fn shared_components() -> Map<String, Value> {
    let mut out = Map::new();
    for (name, status, description) in SHARED {
        let mut response = json!({
            "description": description,
            "content": { PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/Problem" } } },
        });
        let header = match *status {
            "401" => Some((
                "WWW-Authenticate",
                "`Bearer`, with the reason when a token failed",
            )),
            "429" | "503" => Some(("Retry-After", "Seconds to wait before retrying")),
            _ => None,
        };
        if let Some((name, description)) = header {
            response["headers"] = json!({
                name: { "description": description, "schema": { "type": "string" } }
            });
        }
        out.insert((*name).to_owned(), response);
    }
    out.insert(
        "NotModified".to_owned(),
        json!({
            "description": "未变化 (304): unchanged since the `If-None-Match` tag; no body.",
            "headers": { "ETag": { "schema": { "type": "string" } } },
        }),
    );
    out
}

/// An optional header. An empty value counts as no header, so the schema allows it.
fn header_parameter(name: &str, description: &str, example: Option<&str>) -> Value {
    let mut parameter = json!({
        "name": name,
        "in": "header",
        "description": description,
        "required": false,
        "schema": { "type": "string" },
    });
    if let Some(example) = example {
        parameter["example"] = json!(example);
    }
    parameter
}

fn idempotency_key() -> Value {
    let mut p = header_parameter(
        "Idempotency-Key",
        "幂等键: a retry with the same key and body answers the stored response once the first \
         has finished (marked `Idempotent-Replayed: true`), and does the work only once. \
         1 to 255 visible ASCII characters, kept 24 hours. A key is the caller's own: one key \
         for two different requests is refused (422 `idempotency_key_reused`), so no example \
         is given to copy.",
        None,
    );
    p["schema"]["minLength"] = json!(1);
    p["schema"]["maxLength"] = json!(255);
    p["schema"]["pattern"] = json!("^[\\x21-\\x7E]+$");
    p
}

fn accept_language() -> Value {
    header_parameter(
        "Accept-Language",
        "问题说明的语言: problems are in Chinese unless English is preferred (`en`); their \
         `code` is the same in both.",
        Some("zh-CN"),
    )
}

fn if_none_match() -> Value {
    header_parameter(
        "If-None-Match",
        "An `ETag` this caller holds (or `*`): answers 304 with no body while it still matches.",
        Some("\"1\""),
    )
}

fn has_parameter(operation: &Value, name: &str) -> bool {
    parameters(operation).iter().any(|p| {
        p["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

fn parameters(operation: &Value) -> Vec<Value> {
    operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn push_parameter(operation: &mut Value, parameter: Value) {
    match operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        Some(list) => list.push(parameter),
        None => operation["parameters"] = json!([parameter]),
    }
}

/// Whether the response is a problem document (hand-written or shared).
fn is_problem(response: &Value) -> bool {
    response["content"].get(PROBLEM_JSON).is_some()
        || response["$ref"]
            .as_str()
            .is_some_and(|r| r.starts_with("#/components/responses/"))
}

/// Whether the JSON body of `op` has a required property (following one `$ref`).
fn body_has_required_fields(op: &Value, schemas: &Map<String, Value>) -> bool {
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    let schema = schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| schemas.get(name))
        .unwrap_or(schema);
    schema["required"].as_array().is_some_and(|r| !r.is_empty())
}

/// Completes one operation by the rules of this module.
fn complete_operation(path: &str, method: &str, op: &mut Value, schemas: &Map<String, Value>) {
    let post = method == "post";
    let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
    let params = parameters(op);
    let in_path = params.iter().any(|p| p["in"] == "path");
    let in_query = params.iter().any(|p| p["in"] == "query");
    let declared_body = op.get("requestBody").is_some();

    if post && !declared_body {
        op["requestBody"] = json!({
            "description": "No body, or an empty object.",
            "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/Empty" } } },
            "required": false,
        });
    }
    // An empty JSON body reads as `{}` (see `ValidJson`): a body is required only where `{}`
    // lacks a required field (then no body is refused 422, naming the fields).
    if op["requestBody"]["content"]
        .get("application/json")
        .is_some()
    {
        let required = body_has_required_fields(op, schemas);
        op["requestBody"]["required"] = json!(required);
    }
    if post && idempotent(path) && !has_parameter(op, "Idempotency-Key") {
        push_parameter(op, idempotency_key());
    }
    let if_match = has_parameter(op, "If-Match");
    if if_match && let Some(list) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in list.iter_mut().filter(|p| p["name"] == "If-Match") {
            p["schema"] = json!({ "type": "string" });
        }
    }
    if !has_parameter(op, "Accept-Language") {
        push_parameter(op, accept_language());
    }
    let etag_on_200 = op["responses"]["200"]["headers"].get("ETag").is_some();
    if method == "get" && etag_on_200 && !has_parameter(op, "If-None-Match") {
        push_parameter(op, if_none_match());
    }

    let responses = op["responses"].as_object_mut().expect("responses");
    // Every problem response, hand-written or not, is the shared one of its status.
    for (status, response) in responses.iter_mut() {
        if is_problem(response)
            && let Some(shared) = shared_ref(status)
        {
            *response = shared;
        }
    }
    if method == "get" && etag_on_200 {
        responses.insert(
            "304".to_owned(),
            json!({ "$ref": "#/components/responses/NotModified" }),
        );
    }
    if post && idempotent(path) {
        for (_, response) in responses.iter_mut().filter(|(s, _)| s.starts_with('2')) {
            response["headers"]["Idempotent-Replayed"] = json!({
                "description": "`true` when this answer is the stored one of an earlier request \
                                with the same `Idempotency-Key`",
                "schema": { "type": "string", "enum": ["true"] },
            });
        }
    }
    let mut add = BTreeSet::from(["422", "500"]);
    if path != "/healthz" {
        add.insert("503");
    }
    if secured {
        add.insert("401");
    }
    if in_path {
        add.insert("404");
    }
    if in_query || post || declared_body {
        add.insert("400");
    }
    if declared_body {
        add.extend(["413", "415"]);
    }
    if post {
        add.extend(["409", "413"]);
    }
    if if_match {
        add.insert("412");
    }
    // 428 where `If-Match` is required, and on a `PUT` whose optional `If-Match` becomes
    // required once the document exists (the first `PUT` creates it); an optional one elsewhere
    // (`DELETE`) is checked only when sent.
    let if_match_required = params
        .iter()
        .any(|p| p["name"] == "If-Match" && p["required"] == json!(true));
    if if_match_required || (if_match && method == "put") {
        add.insert("428");
    }
    for status in add {
        if !responses.contains_key(status) {
            responses.insert(status.to_owned(), shared_ref(status).expect("shared"));
        }
    }
    let mut sorted: Vec<(String, Value)> = std::mem::take(responses).into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    responses.extend(sorted);
}

/// Names of the schemas reachable from `node`, following `$ref`s through `schemas`.
fn reachable(node: &Value, schemas: &Map<String, Value>, seen: &mut HashSet<String>) {
    match node {
        Value::Object(map) => {
            let name = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"));
            if let Some(name) = name
                && seen.insert(name.to_owned())
                && let Some(schema) = schemas.get(name)
            {
                reachable(schema, schemas, seen);
            }
            map.values().for_each(|v| reachable(v, schemas, seen));
        }
        Value::Array(items) => items.iter().for_each(|v| reachable(v, schemas, seen)),
        _ => {}
    }
}

/// Marks every property of an object schema (and of its inline object parts) as required.
fn require_all(schema: &mut Value, optional: &[&str]) {
    if let Some(properties) = schema["properties"].as_object() {
        let names: Vec<Value> = properties
            .keys()
            .filter(|k| !optional.contains(&k.as_str()))
            .map(|k| json!(k))
            .collect();
        if !names.is_empty() {
            schema["required"] = Value::Array(names);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema.get_mut(key).and_then(Value::as_array_mut) {
            parts.iter_mut().for_each(|p| require_all(p, optional));
        }
    }
}

/// Fields a response may leave out (`skip_serializing_if`), by schema.
const MAY_BE_ABSENT: &[(&str, &[&str])] = &[
    ("Problem", &["errors", "missing"]),
    // Shown only to the office and the team that may see them (src/ops/evaluation.rs).
    ("LeaderGradeEntry", &["proposed_grade", "record"]),
    // `?count_only=true` answers the counts alone (src/ops/tasks.rs).
    ("TaskList", &["items"]),
    // A recipient is `{role: "office"}`, `{role: "unit", unit_id}` or `{sub}` (issue 17).
    ("RecipientView", &["role", "unit_id", "sub"]),
];

/// Labels of an enumeration: (value, `中文 (english)`), in the order of its `enum`.
pub type Labels = &'static [(&'static str, &'static str)];

/// Every string enumeration in the contract, by schema name, with its labels. A test fails when
/// the contract holds a string enumeration without labels: add the type here.
pub const LABELLED_ENUMS: &[(&str, Labels)] = {
    use crate::domain::evaluation::{Grade, Mark, ParticipantCategory, RoundState};
    use crate::domain::lifecycle::CycleState;
    use crate::domain::scoring::{DeductionKind, Method};
    use crate::models::attachment::OwnerKind;
    use crate::models::cycle::Deadline;
    use crate::models::cycle_unit::{CycleUnitStatus, FallbackSource};
    use crate::models::form::FormKind;
    use crate::models::scoring::{SheetStatus, SignedKind};
    use crate::models::self_inspection::DocumentStatus;
    use crate::models::unit::{UnitKind, UnitSort};
    use crate::ops::tasks::TaskKind;
    use crate::routes::self_inspections::json::ProgressStatus;
    use crate::routes::units::json::{SortOrder, UnitStatusFilter};
    &[
        ("CycleState", CycleState::LABELS),
        ("CycleUnitStatus", CycleUnitStatus::LABELS),
        ("Deadline", Deadline::LABELS),
        ("DeductionKind", DeductionKind::LABELS),
        ("DocumentStatus", DocumentStatus::LABELS),
        ("FallbackSource", FallbackSource::LABELS),
        ("FormKind", FormKind::LABELS),
        ("Grade", Grade::LABELS),
        ("Mark", Mark::LABELS),
        ("ParticipantCategory", ParticipantCategory::LABELS),
        ("RoundState", RoundState::LABELS),
        ("Method", Method::LABELS),
        ("OwnerKind", OwnerKind::LABELS),
        ("ProgressStatus", ProgressStatus::LABELS),
        ("SheetStatus", SheetStatus::LABELS),
        ("SignedKind", SignedKind::LABELS),
        ("SortOrder", SortOrder::LABELS),
        ("UnitKind", UnitKind::LABELS),
        ("UnitSort", UnitSort::LABELS),
        ("UnitStatusFilter", UnitStatusFilter::LABELS),
        ("TaskKind", TaskKind::LABELS),
        // Publication (issue 15, part 2).
        (
            "DecisionKind",
            crate::models::decision::DecisionKind::LABELS,
        ),
        // Not a text_enum! (src/auth/mod.rs): its labels are kept here.
        (
            "Role",
            &[
                ("office", "县纪委办公室 (the office)"),
                ("inspector", "考核组成员 (an inspector)"),
                ("unit", "被考核单位 (an assessed unit)"),
            ],
        ),
        // Not a text_enum! (src/audit/keys.rs): its labels are kept here.
        (
            "Algorithm",
            &[
                ("ed25519", "Ed25519 签名 (Ed25519, RFC 8032; the default)"),
                ("sm2", "SM2 国密签名 (SM2 with SM3, GM/T 0003-2012)"),
            ],
        ),
        ("SampleGroup", crate::domain::draw::SampleGroup::LABELS),
        ("DrawStatus", crate::ops::routine::DrawStatus::LABELS),
        (
            "VisitMethod",
            crate::ops::routine_visits::VisitMethod::LABELS,
        ),
        // Results (issue 15, task RESULTS).
        (
            "PublicationScope",
            crate::models::result::PublicationScope::LABELS,
        ),
        ("ResultStatus", crate::ops::results::ResultStatus::LABELS),
        ("MissingPiece", crate::ops::results::MissingPiece::LABELS),
        // Reports (issue 16).
        ("ReportFormat", crate::reports::ReportFormat::LABELS),
        ("StageKey", crate::ops::reports::StageKey::LABELS),
        // Task push (issue 17 §4).
        ("DeliveryState", crate::ops::outbox::DeliveryState::LABELS),
        // Commendations and notices (issue 15 item 6).
        (
            "CommendationKind",
            crate::models::commendation::CommendationKind::LABELS,
        ),
        (
            "CommendationScope",
            crate::models::commendation::CommendationScope::LABELS,
        ),
        // Publication versions (issue 15 item 4, task SNAP).
        ("ChangeKind", crate::ops::snapshots::ChangeKind::LABELS),
        (
            "CycleMissingPiece",
            crate::ops::publication::CycleMissingPiece::LABELS,
        ),
        // Rectification (issue 15 item 5, task RECT).
        (
            "RectificationStatus",
            crate::models::rectification::RectificationStatus::LABELS,
        ),
    ]
};

/// Gives every enumeration of [`LABELLED_ENUMS`] its labels: `x-enum-descriptions` parallel to
/// its `enum`, and a line per value in its `description`.
fn label_enums(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    for (name, labels) in LABELLED_ENUMS {
        let Some(schema) = schemas.get_mut(*name) else {
            continue;
        };
        let values: Vec<String> = schema["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let label = |value: &str| {
            labels
                .iter()
                .find(|(v, _)| *v == value)
                .map(|(_, label)| *label)
        };
        let described: Vec<Value> = values.iter().map(|v| json!(label(v))).collect();
        let lines: Vec<String> = values
            .iter()
            .map(|v| format!("- `{v}`: {}", label(v).unwrap_or_default()))
            .collect();
        let description = schema["description"].as_str().unwrap_or_default().trim();
        schema["description"] = json!(format!("{description}\n\n{}", lines.join("\n")).trim());
        schema["x-enum-descriptions"] = Value::Array(described);
    }
}

/// Completes the whole contract (as JSON) by the rules of this module.
pub fn complete(doc: &mut Value) {
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for path in &paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if let Some(op) = doc["paths"][path].get_mut(method) {
                complete_operation(path, method, op, &schemas);
            }
        }
    }
    let components = &mut doc["components"];
    let responses = components["responses"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut shared = shared_components();
    shared.extend(responses);
    components["responses"] = Value::Object(shared);
    if components["schemas"].get("Empty").is_none() {
        components["schemas"]["Empty"] = json!({
            "type": "object",
            "description": "An empty object: the call takes no fields.",
        });
    }
    refer_page_items(doc);
    require_response_fields(doc);
    link_operations(doc);
    label_enums(doc);
    refuse_blank_text(doc);
    super::examples::apply(doc);
}

/// The names of `op`'s path parameters.
fn path_parameters(op: &Value) -> Vec<String> {
    parameters(op)
        .iter()
        .filter(|p| p["in"] == "path")
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect()
}

/// The writes on `item` that take `If-Match`: (method, operation).
fn conditional_writes(item: &Value) -> Vec<(&'static str, Value)> {
    ["put", "patch", "delete"]
        .into_iter()
        .filter_map(|m| item.get(m).map(|op| (m, op.clone())))
        .filter(|(_, op)| has_parameter(op, "If-Match"))
        .collect()
}

/// A link to `target`, its path parameters taken from `source`'s request path except the one
/// `from_body` names, taken from the answer at the JSON pointer it gives; and `If-Match` from
/// the answer's `ETag` when it takes one.
fn link(target: &Value, from_body: Option<(&str, &str)>) -> Value {
    let mut parameters = Map::new();
    for name in path_parameters(target) {
        let expression = match from_body {
            Some((id, pointer)) if id == name => format!("$response.body#{pointer}"),
            _ => format!("$request.path.{name}"),
        };
        parameters.insert(name, json!(expression));
    }
    if has_parameter(target, "If-Match") {
        parameters.insert("If-Match".to_owned(), json!("$response.header.ETag"));
    }
    json!({ "operationId": target["operationId"], "parameters": parameters })
}

/// The reads of one item below `path` (`{path}/{id}`) whose 200 answers with the schema
/// `schema` refers to: (the id's parameter name, the path item).
fn item_reads<'a>(
    paths: &'a Map<String, Value>,
    path: &str,
    schema: &Value,
) -> Vec<(&'a str, &'a Value)> {
    paths
        .iter()
        .filter_map(|(child, child_item)| {
            let id = child
                .strip_prefix(path)
                .and_then(|rest| rest.strip_prefix("/{"))
                .and_then(|rest| rest.strip_suffix('}'))
                .filter(|id| !id.contains('/'))?;
            let get = child_item.get("get")?;
            (get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == *schema)
                .then_some((id, child_item))
        })
        .collect()
}

/// The name of the schema `reference` refers to, when that schema has an `id`.
fn with_id<'a>(doc: &Value, reference: &'a Value) -> Option<&'a str> {
    let name = reference
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))?;
    doc["components"]["schemas"][name]["properties"]
        .get("id")
        .map(|_| name)
}

/// The operation id of `op`, as a link's name.
fn operation_id(op: &Value) -> String {
    op["operationId"].as_str().unwrap_or_default().to_owned()
}

/// OpenAPI links, so that a client (and schemathesis's stateful phase) can follow a read to the
/// conditional writes it enables, a list to its items, and a creation to what it created:
/// - a `GET` whose 200 sends `ETag` links to each write on its path that takes `If-Match`;
/// - a `GET` whose 200 is a page of items with an `id` links to `GET {path}/{id}` when that
///   answers with the same item, taking the first item's id;
/// - a `POST` whose 201 sends the same schema as `GET {path}/{id}` links to that `GET` and its
///   conditional writes, with the new id from the body.
fn link_operations(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object().cloned() else {
        return;
    };
    for (path, item) in &paths {
        if let Some(get) = item.get("get") {
            if get["responses"]["200"]["headers"].get("ETag").is_some() {
                for (_, target) in conditional_writes(item) {
                    doc["paths"][path]["get"]["responses"]["200"]["links"][operation_id(&target)] =
                        link(&target, None);
                }
            }
            let page = &get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
            let page_item = page
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .filter(|name| name.starts_with("Page_"))
                .map(|name| {
                    doc["components"]["schemas"][name]["properties"]["items"]["items"]["$ref"]
                        .clone()
                })
                .unwrap_or(Value::Null);
            if with_id(doc, &page_item).is_some() {
                for (id, child_item) in item_reads(&paths, path, &page_item) {
                    let target = &child_item["get"];
                    doc["paths"][path]["get"]["responses"]["200"]["links"][operation_id(target)] =
                        link(target, Some((id, "/items/0/id")));
                }
            }
        }
        let Some(created) = item.get("post").map(|op| op["responses"]["201"].clone()) else {
            continue;
        };
        let schema = &created["content"]["application/json"]["schema"]["$ref"];
        if with_id(doc, schema).is_none() {
            continue;
        }
        for (id, child_item) in item_reads(&paths, path, schema) {
            let mut targets = vec![child_item["get"].clone()];
            targets.extend(conditional_writes(child_item).into_iter().map(|(_, op)| op));
            for target in targets {
                doc["paths"][path]["post"]["responses"]["201"]["links"][operation_id(&target)] =
                    link(&target, Some((id, "/id")));
            }
        }
    }
}

/// Each `Page_X` lists `X` by reference, not by a copy of it.
fn refer_page_items(doc: &mut Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    let pages: Vec<String> = schemas
        .keys()
        .filter(|k| k.starts_with("Page_"))
        .cloned()
        .collect();
    for page in pages {
        let item = page.trim_start_matches("Page_").to_owned();
        let inline = schemas[&page]["properties"]["items"]["items"].clone();
        if inline.get("$ref").is_some() || inline.is_null() {
            continue;
        }
        schemas.entry(item.clone()).or_insert(inline);
        schemas[&page]["properties"]["items"]["items"] =
            json!({ "$ref": format!("#/components/schemas/{item}") });
    }
}

/// Every schema that only responses use has every property required.
fn require_response_fields(doc: &mut Value) {
    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut inputs = HashSet::new();
    let mut outputs = HashSet::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            reachable(&op["parameters"], &schemas, &mut inputs);
            reachable(&op["requestBody"], &schemas, &mut inputs);
            reachable(&op["responses"], &schemas, &mut outputs);
        }
    }
    reachable(&doc["components"]["responses"], &schemas, &mut outputs);
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    for name in outputs.difference(&inputs) {
        let optional = MAY_BE_ABSENT
            .iter()
            .find(|(schema, _)| schema == name)
            .map_or(&[][..], |(_, fields)| fields);
        if let Some(schema) = schemas.get_mut(name) {
            require_all(schema, optional);
        }
    }
}

/// Marks text that must not be blank (a `minLength` and no other shape rule) with the pattern of
/// text with something visible in it, so that a client generating "valid" text knows that
/// whitespace and invisible characters alone are refused, as the server refuses them; and all
/// free text (no other shape rule) as holding no NUL, which no text column can store (422
/// `invalid_character`).
fn mark_visible(node: &mut Value, pattern: &str) {
    let Some(map) = node.as_object_mut() else {
        if let Some(items) = node.as_array_mut() {
            items.iter_mut().for_each(|v| mark_visible(v, pattern));
        }
        return;
    };
    let is_text = match map.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    let shaped = ["pattern", "enum", "format", "$ref", "const"]
        .iter()
        .any(|k| map.contains_key(*k));
    if is_text && !shaped {
        if map.get("minLength").and_then(Value::as_u64).unwrap_or(0) >= 1 {
            map.insert("pattern".to_owned(), json!(pattern));
        }
        map.insert(
            "not".to_owned(),
            json!({ "type": "string", "pattern": "\\u0000" }),
        );
    }
    for key in [
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "additionalProperties",
    ] {
        if let Some(child) = map.get_mut(key) {
            if key == "properties" {
                if let Some(props) = child.as_object_mut() {
                    props.values_mut().for_each(|v| mark_visible(v, pattern));
                }
            } else {
                mark_visible(child, pattern);
            }
        }
    }
}

/// The pattern of a free-text query value: empty (the filter left out) or not blank.
pub fn query_pattern(not_blank: &str) -> String {
    format!("^$|{not_blank}")
}

/// Every schema a request can carry, and its query and path parameters, get [`mark_visible`].
fn refuse_blank_text(doc: &mut Value) {
    let pattern = crate::domain::text::not_blank_pattern();
    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut inputs = HashSet::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            reachable(&op["requestBody"], &schemas, &mut inputs);
        }
    }
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for name in &inputs {
            if let Some(schema) = schemas.get_mut(name) {
                mark_visible(schema, &pattern);
            }
        }
    }
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                for op in item.values_mut() {
                    // `get_mut`, not `op["requestBody"]`: indexing a map mutably inserts a
                    // `null` body into every operation without one.
                    let body = op.get_mut("requestBody");
                    if let Some(content) = body.and_then(|b| b.get_mut("content")) {
                        mark_visible(content, &pattern);
                    }
                    // A query value or path segment holding a NUL is refused too (422), and
                    // so is a query value that is blank but not empty (`http/guards.rs`).
                    let params = op.get_mut("parameters").and_then(Value::as_array_mut);
                    for p in params.into_iter().flatten() {
                        if p["in"] == "query" || p["in"] == "path" {
                            mark_visible(&mut p["schema"], &pattern);
                        }
                        let in_query = p["in"] == "query";
                        let schema = &mut p["schema"];
                        if in_query
                            && schema.get("not").is_some()
                            && schema.get("pattern").is_none()
                        {
                            schema["pattern"] = json!(query_pattern(&pattern));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operations(doc: &Value) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("item") {
                out.push((path.clone(), method.clone(), op.clone()));
            }
        }
        out
    }

    #[test]
    fn every_operation_gets_the_statuses_its_shape_implies_as_shared_references() {
        let doc = crate::openapi::spec();
        let ops = operations(&doc);
        assert!(ops.len() > 60, "the whole contract");
        for (path, method, op) in &ops {
            let responses = op["responses"].as_object().expect("responses");
            let has = |s: &str| responses.contains_key(s);
            assert!(has("422") && has("500"), "{method} {path}");
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let target = response["$ref"].as_str().unwrap_or_default();
                    assert!(
                        target.starts_with("#/components/responses/"),
                        "{method} {path} {status} is written inline"
                    );
                }
            }
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let named = |n: &str| params.iter().any(|p| p["name"] == n);
            if method == "post" && idempotent(path) {
                assert!(named("Idempotency-Key"), "{method} {path}");
                assert!(has("409") && has("400") && has("413"), "{method} {path}");
                assert!(
                    op["requestBody"].is_object(),
                    "{method} {path} takes `{{}}`"
                );
            }
            if named("If-Match") {
                assert!(has("412"), "{method} {path}");
                assert_eq!(has("428"), method != "delete", "{method} {path}");
            }
            if params.iter().any(|p| p["in"] == "path") {
                assert!(has("404"), "{method} {path}");
            }
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(has("401"), "{method} {path}");
            }
            if method == "get" && op["responses"]["200"]["headers"].get("ETag").is_some() {
                assert!(named("If-None-Match") && has("304"), "{method} {path}");
            }
        }
    }

    #[test]
    fn reads_link_to_their_conditional_writes_lists_to_their_items_and_creations_to_theirs() {
        let doc = crate::openapi::spec();
        let read = &doc["paths"]["/api/v1/units/{unit_id}"]["get"]["responses"]["200"];
        let update = &read["links"]["update_unit"];
        assert_eq!(update["operationId"], "update_unit");
        assert_eq!(update["parameters"]["If-Match"], "$response.header.ETag");
        assert_eq!(update["parameters"]["unit_id"], "$request.path.unit_id");
        let created = &doc["paths"]["/api/v1/units"]["post"]["responses"]["201"];
        assert_eq!(
            created["links"]["get_unit"]["parameters"]["unit_id"],
            "$response.body#/id"
        );
        // A list links to the read of its first item, the other ids from its own path.
        let leaders = &doc["paths"]["/api/v1/units/{unit_id}/leaders"]["get"]["responses"]["200"];
        let first = &leaders["links"]["get_leader"]["parameters"];
        assert_eq!(first["leader_id"], "$response.body#/items/0/id");
        assert_eq!(first["unit_id"], "$request.path.unit_id");
        // A list whose items have no read of their own links nowhere.
        let transitions = "/api/v1/assessment-cycles/{cycle_id}/transitions";
        assert!(
            doc["paths"][transitions]["get"]["responses"]["200"]
                .get("links")
                .is_none()
        );
        // A creation whose answer is not the created object links nowhere.
        let signed =
            "/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/signatures";
        assert!(
            doc["paths"][signed]["post"]["responses"]["201"]
                .get("links")
                .is_none()
        );
    }

    #[test]
    fn a_task_list_counted_only_may_leave_its_items_out() {
        // schemathesis found `{"count": 36, "overdue": 30}` refused by the contract.
        let doc = crate::openapi::spec();
        let required = &doc["components"]["schemas"]["TaskList"]["required"];
        assert_eq!(required, &json!(["count", "overdue"]));
    }

    #[test]
    fn a_request_body_is_an_object_where_declared_and_absent_elsewhere() {
        // Swagger UI's Execute throws on `"requestBody": null` (it reads its content's size).
        let doc = crate::openapi::spec();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("operations") {
                if let Some(body) = op.get("requestBody") {
                    assert!(body.is_object(), "{method} {path}: requestBody {body}");
                }
                if method == "get" || method == "delete" {
                    assert!(
                        op.get("requestBody").is_none(),
                        "{method} {path} has a body"
                    );
                }
            }
        }
    }

    #[test]
    fn request_text_holds_no_nul_and_required_text_something_visible() {
        let doc = crate::openapi::spec();
        let schemas = &doc["components"]["schemas"];
        let no_nul = json!({ "type": "string", "pattern": "\\u0000" });
        let reason = &schemas["Reopen"]["properties"]["reason"];
        assert_eq!(reason["pattern"], crate::domain::text::not_blank_pattern());
        assert_eq!(reason["not"], no_nul);
        // Optional text that may be null but not blank: `pattern` and `not` refuse only strings.
        let title = &schemas["OpenRound"]["properties"]["title"];
        assert_eq!(title["type"], json!(["string", "null"]));
        assert_eq!(title["pattern"], crate::domain::text::not_blank_pattern());
        assert_eq!(title["not"], no_nul);
        // Text with no length rule: no NUL, nothing more.
        let rule = &schemas["Deduction"]["properties"]["rule_code"];
        assert_eq!(rule["not"], no_nul);
        assert!(rule.get("pattern").is_none());
        // A query parameter's text: no NUL.
        let list = &doc["paths"]["/api/v1/units"]["get"]["parameters"];
        let q = list
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == "q");
        assert_eq!(q.map(|q| &q["schema"]["not"]), Some(&no_nul));
        // ... and is empty or holds something visible, as `http/guards.rs` refuses blank ones.
        let blank_refused = json!(query_pattern(&crate::domain::text::not_blank_pattern()));
        assert_eq!(q.map(|q| &q["schema"]["pattern"]), Some(&blank_refused));
    }

    #[test]
    fn an_action_post_takes_no_body_or_an_empty_object() {
        let doc = crate::openapi::spec();
        let submit = "/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection/submit";
        let body = &doc["paths"][submit]["post"]["requestBody"];
        assert_eq!(body["required"], json!(false));
        let schema = &body["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(schema, "#/components/schemas/Empty");
    }

    #[test]
    fn responses_say_what_is_always_sent_and_pages_refer_to_their_items() {
        let doc = crate::openapi::spec();
        let schemas = &doc["components"]["schemas"];
        let unit = &schemas["UnitResponse"];
        let required: Vec<&str> = unit["required"]
            .as_array()
            .expect("required")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        // Sent as `null` when empty, so required and nullable.
        assert!(required.contains(&"contact_person"), "{required:?}");
        assert_eq!(
            unit["properties"]["contact_person"]["type"],
            json!(["string", "null"])
        );
        // An input schema keeps its optional fields optional.
        let create = schemas["CreateUnit"]["required"]
            .as_array()
            .expect("required");
        assert!(!create.contains(&json!("contact_person")));
        // `errors` is left out of a problem that is not a validation problem.
        let problem = schemas["Problem"]["required"].as_array().expect("required");
        assert!(!problem.contains(&json!("errors")) && problem.contains(&json!("detail")));
        let items = &schemas["Page_UnitResponse"]["properties"]["items"]["items"];
        assert_eq!(items["$ref"], "#/components/schemas/UnitResponse");
    }

    /// Every string enumeration in `node` (but header values such as `Idempotent-Replayed`),
    /// with its JSON pointer.
    fn string_enums(node: &Value, at: &str, out: &mut Vec<(String, Value)>) {
        match node {
            Value::Object(map) => {
                if map.get("enum").is_some() && map.get("type") == Some(&json!("string")) {
                    out.push((at.to_owned(), node.clone()));
                }
                for (key, value) in map {
                    if key != "headers" {
                        string_enums(value, &format!("{at}/{key}"), out);
                    }
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    string_enums(value, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    fn has_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_string_enumeration_labels_each_value_in_chinese() {
        let doc = crate::openapi::spec();
        let mut found = Vec::new();
        string_enums(&doc, "#", &mut found);
        assert!(
            found.len() > 10,
            "the contract's enumerations: {}",
            found.len()
        );
        let mut unlabelled = Vec::new();
        for (at, schema) in &found {
            let values = schema["enum"].as_array().expect("enum");
            let labels = schema["x-enum-descriptions"].as_array();
            let labelled = labels.is_some_and(|labels| {
                labels.len() == values.len()
                    && labels.iter().all(|l| l.as_str().is_some_and(has_chinese))
            });
            let description = schema["description"].as_str().unwrap_or_default();
            let listed = values.iter().all(|v| {
                let value = v.as_str().unwrap_or_default();
                description.contains(&format!("- `{value}`: "))
            });
            if !labelled || !listed {
                unlabelled.push(at.clone());
            }
        }
        assert_eq!(
            unlabelled,
            Vec::<String>::new(),
            "string enumerations without Chinese labels (give each variant a doc comment \
             `中文 (english)` and list the type in LABELLED_ENUMS)"
        );
    }

    #[test]
    fn the_labels_name_exactly_the_values_the_contract_lists() {
        let doc = crate::openapi::spec();
        let schemas = &doc["components"]["schemas"];
        for (name, labels) in LABELLED_ENUMS {
            // A type the contract does not show yet (`SignedKind`) is listed all the same.
            let Some(values) = schemas[*name]["enum"].as_array() else {
                continue;
            };
            let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            let labelled: Vec<&str> = labels.iter().map(|(value, _)| *value).collect();
            assert_eq!(values, labelled, "{name}");
        }
        let kind = &schemas["UnitKind"];
        assert_eq!(
            kind["x-enum-descriptions"][0],
            "乡镇 (a town or township; form 2)"
        );
        let description = kind["description"].as_str().expect("a description");
        assert!(
            description.contains("- `vertical`: 省、市驻阳垂直管理单位"),
            "{description}"
        );
    }
}
