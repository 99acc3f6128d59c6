//! The OpenAPI contract: collected from the registered routes, completed with the security
//! scheme and the error responses every operation shares.

use actix_web::App;
use utoipa::openapi::OpenApi as Spec;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

pub mod completion;
pub mod examples;
pub mod responses;

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
        crate::reports::ReportFormat,
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
        (
            name = "routine",
            description = "日常考核检查: the routine inspection's plan, targets, draw, visits and scores"
        ),
        (
            name = "results",
            description = "考核结果: totals, ranks, bands, vetoes and vertical units' fallbacks"
        ),
        (
            name = "publication",
            description = "结果通报: the review's decision records and the publication of results"
        ),
        (name = "attachments", description = "附件: files attached to what units submit"),
        (name = "audit", description = "审计日志: the tamper-evident audit trail of every write"),
        (name = "me", description = "当前用户: the caller's profile, permissions and to-do list"),
        (
            name = "reports",
            description = "报表: the office's reports of a cycle, as JSON, CSV or Excel (plan §5)"
        ),
        (name = "health", description = "健康检查: liveness and readiness probes"),
        (
            name = "rectifications",
            description = "整改: the explanation and plan a unit at or below the line owes (plan §5)"
        ),
    )
)]
pub struct ApiDoc;

/// Builds the contract from the same route table the server runs, completed by the rules of
/// [`completion`].
pub fn spec() -> serde_json::Value {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    Security.modify(&mut api);
    api.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let mut doc = serde_json::to_value(&api).expect("the contract serialises");
    completion::complete(&mut doc);
    doc
}

/// The contract as pretty JSON, exactly as committed in `openapi/openapi.json`.
pub fn spec_json() -> String {
    let mut json = serde_json::to_string_pretty(&spec()).unwrap_or_default();
    json.push('\n');
    json
}

/// Adds the bearer scheme.
struct Security;

impl Modify for Security {
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
    }
}

/// Path templates and their methods, for telling 404 from 405.
#[derive(Debug, Clone)]
pub struct RouteTable(Vec<(Vec<String>, Vec<&'static str>)>);

impl RouteTable {
    /// The table of the contract's paths.
    pub fn from_spec(spec: &serde_json::Value) -> Self {
        let rows = spec["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(str::to_owned)
                    .collect();
                let methods = [
                    ("GET", "get"),
                    ("POST", "post"),
                    ("PUT", "put"),
                    ("PATCH", "patch"),
                    ("DELETE", "delete"),
                ]
                .into_iter()
                .filter(|(_, key)| item.get(key).is_some())
                .map(|(method, _)| method)
                .collect();
                (segments, methods)
            })
            .collect();
        Self(rows)
    }

    /// The methods allowed on `path`, or `None` when no route has that path. Where templates
    /// overlap (`forms/copy` and `forms/{form_kind}`), the one with a literal segment where the
    /// other has a parameter wins, as it does in routing.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let matching: Vec<(Vec<bool>, &Vec<&'static str>)> = self
            .0
            .iter()
            .filter(|(template, _)| {
                template.len() == segments.len()
                    && template
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
            })
            .map(|(template, methods)| {
                let literal = template.iter().map(|t| !t.starts_with('{')).collect();
                (literal, methods)
            })
            .collect();
        let best = matching.iter().map(|(literal, _)| literal).max()?;
        let allowed = matching
            .iter()
            .filter(|(literal, _)| literal == best)
            .flat_map(|(_, methods)| methods.iter().map(|m| (*m).to_owned()))
            .collect();
        Some(allowed)
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
        // A literal segment wins over a parameter in the same place.
        let copy = table.allowed("/api/v1/assessment-cycles/1/forms/copy");
        assert_eq!(copy, Some(vec!["POST".to_owned()]));
        let unassigned = table.allowed("/api/v1/assessment-cycles/1/teams/unassigned");
        assert_eq!(unassigned, Some(vec!["GET".to_owned()]));
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
