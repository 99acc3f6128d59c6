//! The OpenAPI contract: collected from the registered routes, completed with the security
//! scheme and the error responses every operation shares.

use actix_web::App;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Spec, Ref};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::PROBLEM_JSON;

/// Top-level description of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "lianzheng 廉政考核",
        description = "党风廉政建设责任制考核检查: the county's yearly assessment of how each \
            leadership team carries out its Party-conduct and clean-government duties.\n\n\
            Every call except the probes and the ballots needs `Authorization: Bearer <JWT>` \
            (paste a token from `lianzheng token --role office --sub admin` into \
            **Authorize**). Errors are \
            RFC 9457 `application/problem+json` with a stable `code`. Decimals travel as \
            strings (`\"87.50\"`).",
    ),
    // Types named only in `params(...)` are not collected by the routes: list them here, or
    // the contract refers to schemas it does not hold (`every_reference_resolves` checks).
    components(schemas(
        crate::error::Problem,
        crate::error::FieldError,
        crate::models::unit::UnitSort,
        crate::routes::units::json::UnitStatusFilter,
        crate::routes::units::json::SortOrder,
    )),
    tags(
        (name = "units", description = "被考核单位: the registry of units (plan §1)"),
        (name = "leaders", description = "班子成员: a unit's leadership team"),
        (
            name = "cycles",
            description = "年度考核: assessment cycles, their settings, calendar and lifecycle"
        ),
        (name = "forms", description = "考评表: the scoring forms of a cycle"),
        (
            name = "self-inspections",
            description = "自查: units' self-inspection reports and self-scores"
        ),
        (name = "teams", description = "考核组: inspection teams and the units each inspects"),
        (
            name = "scoring",
            description = "考核评分表: the teams' item-by-item score sheets, referrals and signatures"
        ),
        (
            name = "evaluation",
            description = "民主测评: democratic evaluation rounds, tallies and leaders' grades"
        ),
        (
            name = "ballots",
            description = "测评票: account-less ballots cast with a one-time code (no token)"
        ),
        (name = "attachments", description = "附件: files attached to what units submit"),
        (name = "audit", description = "The tamper-evident audit trail of every write"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

/// Builds the contract from the same route table the server runs.
pub fn spec() -> Spec {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    SharedResponses.modify(&mut api);
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    api
}

/// The contract as pretty JSON, exactly as committed in `openapi/openapi.json`.
pub fn spec_json() -> String {
    let mut json = spec().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// Adds the bearer scheme, and the 401, 500 and 503 answers, to every operation that needs them.
struct SharedResponses;

impl SharedResponses {
    fn complete(operation: &mut Operation) {
        let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
        let responses = &mut operation.responses.responses;
        if secured && !responses.contains_key("401") {
            responses.insert(
                "401".to_owned(),
                problem_response("No token, or a token that does not verify").into(),
            );
        }
        if !responses.contains_key("503") {
            responses.insert(
                "503".to_owned(),
                problem_response(
                    "The database is unavailable or too slow; retry after `Retry-After` seconds",
                )
                .into(),
            );
        }
        responses.insert(
            "500".to_owned(),
            problem_response("An unexpected error; logged, no details shown").into(),
        );
    }
}

impl Modify for SharedResponses {
    fn modify(&self, openapi: &mut Spec) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A JWT from the OA portal, or minted by `lianzheng token`",
                    ))
                    .build(),
            ),
        );
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                Self::complete(operation);
            }
        }
    }
}

/// Path templates and their methods, for telling 404 from 405.
#[derive(Debug, Clone)]
pub struct RouteTable(Vec<(Vec<String>, Vec<&'static str>)>);

impl RouteTable {
    /// The table of the contract's paths.
    pub fn from_spec(spec: &Spec) -> Self {
        let rows = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(str::to_owned)
                    .collect();
                let mut methods = Vec::new();
                for (method, present) in [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ] {
                    if present {
                        methods.push(method);
                    }
                }
                (segments, methods)
            })
            .collect();
        Self(rows)
    }

    /// The methods allowed on `path`, or `None` when no route has that path.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut allowed: Vec<String> = Vec::new();
        for (template, methods) in &self.0 {
            let matches = template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s);
            if matches {
                allowed.extend(methods.iter().map(|m| (*m).to_owned()));
            }
        }
        (!allowed.is_empty()).then_some(allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_table_tells_404_from_405() {
        let table = RouteTable::from_spec(&spec());
        assert_eq!(table.allowed("/healthz"), Some(vec!["GET".to_owned()]));
        let unit = table.allowed("/api/v1/units/5").expect("a unit path");
        assert!(unit.contains(&"PATCH".to_owned()) && unit.contains(&"DELETE".to_owned()));
        assert_eq!(table.allowed("/api/v1/nothing"), None);
    }

    /// Every `$ref` in `doc`'s subtree that names nothing in `doc`.
    fn dangling(doc: &serde_json::Value, node: &serde_json::Value, out: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(target)) = map.get("$ref") {
                    let pointer = target.strip_prefix('#').unwrap_or(target);
                    if doc.pointer(pointer).is_none() {
                        out.push(target.clone());
                    }
                }
                map.values().for_each(|v| dangling(doc, v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| dangling(doc, v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_reference_resolves() {
        let doc: serde_json::Value = serde_json::from_str(&spec_json()).expect("the contract");
        let mut missing = Vec::new();
        dangling(&doc, &doc, &mut missing);
        assert_eq!(missing, Vec::<String>::new(), "references to nothing");
        let committed: serde_json::Value =
            serde_json::from_str(include_str!("../openapi/openapi.json"))
                .expect("the committed contract");
        let mut missing = Vec::new();
        dangling(&committed, &committed, &mut missing);
        assert_eq!(
            missing,
            Vec::<String>::new(),
            "references to nothing in the committed file"
        );
    }
}
