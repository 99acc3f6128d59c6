//! The office's report to the county committee (issue 16 item 6, task COMMITTEE): its figures
//! equal `GET …/results` on the demo's published 2013 cycle; before the results are complete
//! it lists what is missing; the texts round-trip Chinese exactly under `If-Match` (428, 412);
//! only the office reads and writes it; it is written in review or after publication, never
//! before (409, nothing changed) nor once archived; the workbook reads back with the JSON's
//! numbers; and it runs as many statements for 300 units as for 30.

use std::io::Cursor;

use bigdecimal::{BigDecimal, RoundingMode, Zero};
use calamine::{Reader, Xlsx};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use lianzheng::auth::Role;
use lianzheng::models::CycleId;
use lianzheng::ops::report_committee;
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::add_scored_units;
use crate::helpers::{TestApp, assert_problem, republish};
use crate::statements::statements;
use crate::workbooks::{decimal, header, headers, number, text, workbook};

/// The demo's 2014 cycle, in the special inspection.
const IN_PROGRESS: i64 = 1;
/// The demo's 2011 cycle, in review, its results incomplete.
const REVIEW: i64 = 3;
/// The demo's 2013 cycle, published, every unit complete.
const PUBLISHED: i64 = 5;

fn path(cycle: i64) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/reports/committee")
}

fn texts() -> Value {
    json!({
        "overall_evaluation": concat!(
            "　　2013年度，全县各单位党风廉政建设责任制落实情况总体较好。\n",
            "　　各乡镇、县直单位领导班子“一岗双责”意识普遍增强〔阳纪发〕。"
        ),
        "problems": "　　一是个别单位廉政风险防控措施不具体；\r\n二是整改不及时 😐。",
        "advice": "　　建议对整改线（75分）以下单位主要负责人进行约谈，督促限期整改。 "
    })
}

/// GET the report as `token`: the status, the `ETag` and the body.
async fn get(app: &TestApp, cycle: i64, token: &str) -> (u16, String, Value) {
    let response = app.get(&path(cycle), token).await;
    let status = response.status().as_u16();
    let etag = header(&response, "etag");
    (status, etag, response.json().await.unwrap_or(Value::Null))
}

/// PUT `body` as `token` with `If-Match` when given.
async fn put(
    app: &TestApp,
    cycle: i64,
    token: &str,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .request(Method::PUT, &path(cycle), Some(token))
        .json(body);
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    request.send().await.expect("PUT")
}

/// Every unit of `GET …/results` of `cycle`, page by page.
async fn results(app: &TestApp, cycle: i64) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let page: Value = app
            .get(
                &format!("/api/v1/assessment-cycles/{cycle}/results?page={page}&per_page=100"),
                &app.office,
            )
            .await
            .json()
            .await
            .expect("results JSON");
        let items = page["items"].as_array().expect("items").clone();
        if items.is_empty() {
            break;
        }
        all.extend(items);
    }
    all
}

fn dec(value: &Value) -> BigDecimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a decimal string, found {value}"))
        .parse()
        .expect("a decimal")
}

/// The count, average (half-up), highest and lowest of `totals`, as the report writes them.
fn stats(totals: &[BigDecimal]) -> Value {
    let sum: BigDecimal = totals.iter().sum();
    let average = (sum / BigDecimal::from(totals.len() as i64))
        .with_scale_round(2, RoundingMode::HalfUp)
        .to_string();
    let fixed = |d: &BigDecimal| d.with_scale_round(2, RoundingMode::HalfUp).to_string();
    json!({
        "units": totals.len(),
        "average": average,
        "highest": fixed(totals.iter().max().expect("a total")),
        "lowest": fixed(totals.iter().min().expect("a total")),
    })
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|u| u["unit_id"].as_i64().expect("unit_id"))
        .collect()
}

#[tokio::test]
async fn the_figures_equal_the_results_of_the_published_2013_cycle() {
    let app = TestApp::spawn_demo().await;
    let (status, etag, report) = get(&app, PUBLISHED, &app.office).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(etag, "\"0\"");
    assert_eq!(report["version"], 0);
    for text in ["overall_evaluation", "problems", "advice", "updated_by"] {
        assert_eq!(report[text], Value::Null, "{text}");
    }
    assert_eq!(report["complete"], true);
    assert_eq!(report["missing"], json!([]));
    let results = results(&app, PUBLISHED).await;
    let units: Vec<&Value> = results
        .iter()
        .filter(|u| u["status"] != "fallback")
        .collect();
    assert_eq!(report["assessed_units"], units.len());
    let figures = &report["figures"];
    let totals: Vec<BigDecimal> = units.iter().map(|u| dec(&u["total"])).collect();
    assert_eq!(figures["overall"], stats(&totals));
    let by_kind = figures["by_kind"].as_array().expect("by kind");
    assert!(by_kind.len() >= 2, "{by_kind:?}");
    for kind in by_kind {
        let of_kind: Vec<BigDecimal> = units
            .iter()
            .filter(|u| u["unit_kind"] == kind["kind"])
            .map(|u| dec(&u["total"]))
            .collect();
        let mut expected = stats(&of_kind);
        expected["kind"] = kind["kind"].clone();
        assert_eq!(kind, &expected);
    }
    let bands = figures["bands"].as_array().expect("bands");
    assert!(!bands.is_empty());
    let banded: i64 = bands.iter().map(|b| b["units"].as_i64().expect("n")).sum();
    assert_eq!(banded, units.len() as i64, "every unit in one band");
    for band in bands {
        let n = units.iter().filter(|u| u["band"] == band["band"]).count();
        assert_eq!(band["units"], n, "{band}");
    }
    let below: Vec<i64> = units
        .iter()
        .filter(|u| u["owes_rectification"] == true)
        .map(|u| u["unit_id"].as_i64().expect("id"))
        .collect();
    assert!(
        !below.is_empty(),
        "the demo's 2013 cycle has units below the line"
    );
    assert_eq!(ids(&figures["at_or_below_line"]), below);
    for line in figures["at_or_below_line"].as_array().expect("below") {
        let unit = units
            .iter()
            .find(|u| u["unit_id"] == line["unit_id"])
            .expect("the unit");
        assert_eq!(line["total"], unit["total"]);
        assert_eq!(line["rank_overall"], unit["rank_overall"]);
        assert_eq!(line["unit_name"], unit["unit_name"]);
    }
    let top: Vec<i64> = units
        .iter()
        .filter(|u| u["rank_overall"].as_i64().expect("rank") <= 3)
        .map(|u| u["unit_id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids(&figures["top"]), top);
    assert!(top.len() >= 3);
    let mut ascending = totals.clone();
    ascending.sort();
    let third_lowest = &ascending[2];
    let bottom: Vec<i64> = units
        .iter()
        .filter(|u| &dec(&u["total"]) <= third_lowest)
        .map(|u| u["unit_id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids(&figures["bottom"]), bottom);
    assert!(bottom.len() >= 3);
    // The content areas as the content-area analysis gives them, those that lost most first.
    let analysis: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{PUBLISHED}/reports/content-areas"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("analysis");
    let mut areas: Vec<Value> = analysis["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .filter(|a| !dec(&a["overall"]["lost_points"]).is_zero())
        .cloned()
        .collect();
    areas.sort_by(|a, b| {
        dec(&b["overall"]["lost_points"])
            .cmp(&dec(&a["overall"]["lost_points"]))
            .then(a["content_area"].as_i64().cmp(&b["content_area"].as_i64()))
    });
    areas.truncate(3);
    assert!(!areas.is_empty());
    assert_eq!(figures["areas_losing_most"], json!(areas));
    let referrals = app.count(&format!(
        "SELECT count(*) AS n FROM referrals r JOIN scoring_records s ON s.id = r.record_id \
         WHERE s.cycle_id = {PUBLISHED}"
    ));
    assert_eq!(figures["referral_count"], referrals);
    app.stop().await;
}

#[tokio::test]
async fn before_the_results_are_complete_the_report_lists_what_is_missing() {
    let app = TestApp::spawn_demo().await;
    for cycle in [IN_PROGRESS, REVIEW] {
        let (status, _, report) = get(&app, cycle, &app.office).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["complete"], false);
        assert_eq!(report["figures"], Value::Null);
        let incomplete: Vec<i64> = results(&app, cycle)
            .await
            .iter()
            .filter(|u| u["status"] == "incomplete")
            .map(|u| u["unit_id"].as_i64().expect("id"))
            .collect();
        assert!(!incomplete.is_empty());
        let mut listed = ids(&report["missing"]);
        listed.sort_unstable();
        let mut expected = incomplete.clone();
        expected.sort_unstable();
        assert_eq!(listed, expected);
        for unit in report["missing"].as_array().expect("missing") {
            assert!(
                !unit["missing"].as_array().expect("pieces").is_empty(),
                "{unit}"
            );
        }
    }
    // The workbook says so too, with no figures.
    let (book, _, _) = workbook(&app, &path(REVIEW), &app.office, None).await;
    assert_eq!(book.sheet_names(), ["报告正文", "尚缺材料"]);
    app.stop().await;
}

#[tokio::test]
async fn the_texts_round_trip_chinese_exactly_under_if_match() {
    let app = TestApp::spawn_demo().await;
    let body = texts();
    // Without If-Match: 428; with a stale one: 412; neither writes.
    assert_problem(
        put(&app, REVIEW, &app.office, None, &body).await,
        428,
        "precondition_required",
    )
    .await;
    assert_problem(
        put(&app, REVIEW, &app.office, Some("\"1\""), &body).await,
        412,
        "precondition_failed",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM committee_reports"), 0);

    let response = put(&app, REVIEW, &app.office, Some("\"0\""), &body).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "etag"), "\"1\"");
    let saved: Value = response.json().await.expect("report");
    for field in ["overall_evaluation", "problems", "advice"] {
        assert_eq!(saved[field], body[field], "{field}");
    }
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["updated_by"], "office-admin");
    let (status, etag, read) = get(&app, REVIEW, &app.office).await;
    assert_eq!((status, etag.as_str()), (200, "\"1\""));
    for field in ["overall_evaluation", "problems", "advice"] {
        assert_eq!(read[field], body[field], "{field}");
    }
    let stored = app.count(&format!(
        "SELECT count(*) AS n FROM committee_reports WHERE cycle_id = {REVIEW} \
         AND advice = '{}'",
        body["advice"].as_str().expect("advice")
    ));
    assert_eq!(stored, 1, "stored exactly, trailing space and all");

    // The old tag is stale now; the new one replaces the three texts.
    let again = json!({"overall_evaluation": "总体较好", "problems": "无", "advice": "继续"});
    assert_problem(
        put(&app, REVIEW, &app.office, Some("\"0\""), &again).await,
        412,
        "precondition_failed",
    )
    .await;
    let response = put(&app, REVIEW, &app.office, Some("\"1\""), &again).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "etag"), "\"2\"");
    let (_, _, read) = get(&app, REVIEW, &app.office).await;
    assert_eq!(read["problems"], "无");
    assert_eq!(read["version"], 2);
    app.stop().await;
}

#[tokio::test]
async fn each_text_is_required_and_at_most_20000_characters() {
    let app = TestApp::spawn_demo().await;
    let long = "廉".repeat(20_000);
    // One text at the limit (the tests' body limit is 64 KiB, production's 1 MiB).
    let body = json!({"overall_evaluation": "总体较好", "problems": long, "advice": "约谈"});
    let response = put(&app, REVIEW, &app.office, Some("\"0\""), &body).await;
    assert_eq!(response.status().as_u16(), 200);
    let too_long = json!({"overall_evaluation": format!("{long}廉"), "problems": "　"});
    let problem = assert_problem(
        put(&app, REVIEW, &app.office, Some("\"1\""), &too_long).await,
        422,
        "validation_failed",
    )
    .await;
    let text = problem.to_string();
    for field in ["overall_evaluation", "problems", "advice"] {
        assert!(text.contains(field), "{field} in {text}");
    }
    let (_, etag, _) = get(&app, REVIEW, &app.office).await;
    assert_eq!(etag, "\"1\"");
    app.stop().await;
}

#[tokio::test]
async fn only_the_office_reads_or_writes_the_report() {
    let app = TestApp::spawn_demo().await;
    let unit = app.unit_token(1);
    let inspector = app.token(Role::Inspector, "insp-1-leader", None);
    for token in [&unit, &inspector] {
        assert_problem(app.get(&path(PUBLISHED), token).await, 403, "forbidden").await;
        assert_problem(
            put(&app, REVIEW, token, Some("\"0\""), &texts()).await,
            403,
            "forbidden",
        )
        .await;
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM committee_reports"), 0);
    app.stop().await;
}

#[tokio::test]
async fn it_is_written_in_review_and_after_publication_but_not_before_nor_once_archived() {
    let app = TestApp::spawn_demo().await;
    let audit = || app.count("SELECT count(*) AS n FROM audit_log");
    let before = audit();
    let refused = put(&app, IN_PROGRESS, &app.office, Some("\"0\""), &texts()).await;
    assert_problem(refused, 409, "cycle_not_in_review").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM committee_reports"), 0);
    assert_eq!(audit(), before, "no audit record for a refusal");

    // Published: the texts change no result, so publication does not freeze them.
    let response = put(&app, PUBLISHED, &app.office, Some("\"0\""), &texts()).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(audit(), before + 1);
    let state = app.count(&format!(
        "SELECT count(*) AS n FROM assessment_cycles WHERE id = {PUBLISHED} \
         AND state = 'published'"
    ));
    assert_eq!(state, 1);

    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET state = 'archived' WHERE id = {PUBLISHED}"
        ))
        .expect("archive");
    let refused = put(
        &app,
        PUBLISHED,
        &app.office,
        Some("\"1\""),
        &json!({
            "overall_evaluation": "改", "problems": "改", "advice": "改"
        }),
    )
    .await;
    assert_problem(refused, 409, "cycle_archived").await;
    let (_, etag, read) = get(&app, PUBLISHED, &app.office).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(read["advice"], texts()["advice"]);
    app.stop().await;
}

#[tokio::test]
async fn the_workbook_reads_back_with_the_numbers_of_the_json() {
    let app = TestApp::spawn_demo().await;
    let body = texts();
    put(&app, PUBLISHED, &app.office, Some("\"0\""), &body).await;
    let (_, _, report) = get(&app, PUBLISHED, &app.office).await;
    let response = app
        .get(&format!("{}?format=xlsx", path(PUBLISHED)), &app.office)
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(header(&response, "etag"), "\"1\"");
    let bytes = response.bytes().await.expect("bytes").to_vec();
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("an .xlsx calamine reads");
    assert_eq!(
        book.sheet_names(),
        [
            "报告正文",
            "总体情况",
            "档次分布",
            "整改线以下单位",
            "排名前三",
            "排名后三",
            "失分最多的考核内容"
        ]
    );
    // Two title rows, then the headers, then the data.
    let head = 2;
    let texts = book.worksheet_range("报告正文").expect("texts");
    assert_eq!(text(texts.get_value((head, 1))), "内容");
    assert_eq!(text(texts.get_value((head + 1, 0))), "总体评价");
    assert_eq!(
        text(texts.get_value((head + 1, 1))),
        body["overall_evaluation"].as_str().expect("text")
    );
    let totals = book.worksheet_range("总体情况").expect("totals");
    assert_eq!(
        headers(&totals, head, 5),
        ["范围", "单位数", "平均分", "最高分", "最低分"]
    );
    let overall = &report["figures"]["overall"];
    assert_eq!(text(totals.get_value((head + 1, 0))), "全县");
    assert_eq!(
        number(totals.get_value((head + 1, 1))),
        overall["units"].as_f64().expect("n")
    );
    for (column, field) in [(2, "average"), (3, "highest"), (4, "lowest")] {
        assert_eq!(
            number(totals.get_value((head + 1, column))),
            decimal(&overall[field]),
            "{field}"
        );
    }
    let below = book.worksheet_range("整改线以下单位").expect("below");
    for (i, line) in report["figures"]["at_or_below_line"]
        .as_array()
        .expect("below")
        .iter()
        .enumerate()
    {
        let row = head + 1 + i as u32;
        assert_eq!(
            text(below.get_value((row, 1))),
            line["unit_name"].as_str().expect("name")
        );
        assert_eq!(number(below.get_value((row, 3))), decimal(&line["total"]));
    }
    let areas = book.worksheet_range("失分最多的考核内容").expect("areas");
    for (i, area) in report["figures"]["areas_losing_most"]
        .as_array()
        .expect("areas")
        .iter()
        .enumerate()
    {
        let row = head + 1 + i as u32;
        assert_eq!(
            number(areas.get_value((row, 2))),
            decimal(&area["overall"]["lost_points"])
        );
        assert_eq!(
            number(areas.get_value((row, 3))),
            decimal(&area["overall"]["share"])
        );
    }
    // The CSV carries the same texts.
    let csv = app
        .get(&format!("{}?format=csv", path(PUBLISHED)), &app.office)
        .await
        .text()
        .await
        .expect("csv");
    assert!(csv.contains("移交“公述民评”"), "{csv}");
    assert!(csv.contains("整改线（75分）以下单位主要负责人"));
    app.stop().await;
}

#[tokio::test]
async fn the_report_runs_as_many_statements_for_300_units_as_for_30() {
    let app = TestApp::spawn_demo().await;
    let mut conn = app.db.owner();
    let now = chrono::Utc::now();
    let read = |conn: &mut PgConnection| {
        statements(conn, |c| {
            report_committee::read(c, CycleId(PUBLISHED), now).expect("report")
        })
    };
    let (_, base) = read(&mut conn);
    add_scored_units(&mut conn, PUBLISHED, 30, 1);
    republish(&app, PUBLISHED);
    let (small, report) = read(&mut conn);
    assert_eq!(report.assessed_units, base.assessed_units + 30);
    add_scored_units(&mut conn, PUBLISHED, 270, 31);
    republish(&app, PUBLISHED);
    let (large, report) = read(&mut conn);
    assert_eq!(report.assessed_units, base.assessed_units + 300);
    let figures = report.figures.expect("complete");
    assert!(figures.referral_count >= 300);
    assert_eq!(small, large, "statements for 30 and for 300 units");
    // The cycle, the texts, `for_cycle`, the content-area analysis and the referrals.
    assert!(small <= 14, "the report's statements: {small}");
    app.stop().await;
}
