//! Large exports (issue 16 item 8, task STREAM): the demo's published 2013 cycle (5) with a few
//! thousand units added in SQL. The ranking's .xlsx (written in constant-memory mode) and its
//! CSV (a chunked body) come out complete and equal to the JSON: every unit, in order, with its
//! rank and total; the workbook keeps its Chinese sheet names, A4, the repeated header rows, the
//! column widths and its charts. And the committee report, whose `ETag` is the texts' version
//! only, never answers 304 and does not promise one in the contract.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use diesel::connection::SimpleConnection;
use serde_json::Value;

use crate::helpers::{TestApp, republish};

use crate::workbooks::{XLSX, part};
/// The demo's published 2013 cycle.
const PUBLISHED: i64 = 5;
/// The units added to it.
const ADDED: i64 = 2000;

fn ranking(format: &str) -> String {
    format!("/api/v1/assessment-cycles/{PUBLISHED}/reports/ranking?format={format}")
}

/// Adds `n` assessed county departments to the published cycle, each with a final sheet and a
/// routine score (so each has a total and a rank); then fresh planner statistics, as
/// autovacuum would gather them for tables this size.
fn add_units(app: &TestApp, n: i64) {
    let batch = "SELECT id FROM units WHERE name LIKE '流式单位%'";
    let sql = format!(
        "INSERT INTO units (name, kind) \
           SELECT '流式单位' || g, 'county_department' FROM generate_series(1, {n}) g;
         INSERT INTO cycle_units (cycle_id, unit_id, status, form_kind, updated_by) \
           SELECT {PUBLISHED}, id, 'assessed', 'county_department', 'test' FROM ({batch}) b;
         INSERT INTO scoring_records (cycle_id, unit_id, status) \
           SELECT {PUBLISHED}, id, 'final' FROM ({batch}) b;
         INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by) \
           SELECT {PUBLISHED}, id, (id % 10)::numeric, '批量', 'test' FROM ({batch}) b;
         ANALYZE;"
    );
    app.db.owner().batch_execute(&sql).expect("bulk units");
}

/// GET `path` as the office, answering 200: the response's headers and its body.
async fn fetch(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let response = app.get(path, &app.office).await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    (headers, body)
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        other => panic!("a text cell, found {other:?}"),
    }
}

fn number(cell: Option<&Data>) -> f64 {
    match cell {
        Some(Data::Float(n)) => *n,
        Some(Data::Int(n)) => *n as f64,
        other => panic!("a numeric cell, found {other:?}"),
    }
}

fn decimal(value: &Value) -> f64 {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a decimal string, found {value}"))
        .parse()
        .expect("a decimal")
}

#[tokio::test]
async fn a_large_ranking_export_is_complete_and_equal_to_the_json() {
    let app = TestApp::spawn_demo().await;
    add_units(&app, ADDED);
    republish(&app, PUBLISHED);
    let (_, body) = fetch(&app, &ranking("json")).await;
    let report: Value = serde_json::from_slice(&body).expect("JSON");
    let units = report["units"].as_array().expect("units");
    assert!(units.len() as i64 > ADDED, "{} units", units.len());
    let ranked: Vec<&Value> = units
        .iter()
        .filter(|u| !u["rank_overall"].is_null())
        .collect();
    assert!(ranked.len() as i64 >= ADDED, "{} ranked", ranked.len());
    let departments = ranked
        .iter()
        .filter(|u| u["unit_kind"] == "county_department")
        .count();

    // The workbook: every ranked unit on 总排名, in order, as numbers; each kind's sheet.
    let (headers, bytes) = fetch(&app, &ranking("xlsx")).await;
    assert_eq!(header(&headers, "content-type"), XLSX);
    let mut book = Xlsx::new(Cursor::new(bytes.clone())).expect("an .xlsx calamine reads");
    let names = book.sheet_names();
    assert_eq!(names[0], "总排名", "{names:?}");
    assert!(names.contains(&"县直单位排名".to_owned()), "{names:?}");
    let overall = book.worksheet_range("总排名").expect("总排名");
    assert!(
        text(overall.get_value((0, 0))).contains("2013"),
        "the title row"
    );
    assert_eq!(text(overall.get_value((2, 1))), "单位");
    // Title, date line and header row, then one row per ranked unit, nothing more.
    assert_eq!(overall.height(), 3 + ranked.len(), "rows of 总排名");
    for (i, unit) in ranked.iter().enumerate() {
        let row = 3 + i as u32;
        assert_eq!(
            number(overall.get_value((row, 0))),
            unit["rank_overall"].as_f64().expect("rank"),
            "rank of row {row}"
        );
        assert_eq!(
            text(overall.get_value((row, 1))),
            unit["unit_name"].as_str().expect("name"),
            "row {row}"
        );
        assert_eq!(
            number(overall.get_value((row, 5))),
            decimal(&unit["total"]),
            "total of row {row}"
        );
    }
    let kind = book.worksheet_range("县直单位排名").expect("县直单位排名");
    assert_eq!(kind.height(), 3 + departments, "rows of 县直单位排名");
    // A4, the title and header rows repeated on each page, the widths, the charts.
    let sheet1 = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet1.contains("paperSize=\"9\""), "A4");
    assert!(
        sheet1.contains("width=\"24."),
        "the unit column's width: {sheet1:.600}"
    );
    let workbook_xml = part(&bytes, "xl/workbook.xml");
    assert!(
        workbook_xml.contains("_xlnm.Print_Titles"),
        "{workbook_xml}"
    );
    assert!(workbook_xml.contains("总排名!$1:$3"), "{workbook_xml}");
    let chart = part(&bytes, "xl/charts/chart1.xml");
    let last = 3 + ranked.len();
    assert!(
        chart.contains(&format!("总排名!$F$4:$F${last}")),
        "the chart spans every row: {chart:.800}"
    );

    // The CSV: a chunked body with a BOM, every unit once, in the JSON's order.
    let (headers, bytes) = fetch(&app, &ranking("csv")).await;
    assert_eq!(header(&headers, "content-type"), "text/csv; charset=utf-8");
    assert_eq!(header(&headers, "transfer-encoding"), "chunked");
    assert!(
        headers.get("content-length").is_none(),
        "streamed, not sized"
    );
    assert!(header(&headers, "content-disposition").starts_with("attachment;"));
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a UTF-8 byte-order mark");
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "the last line is whole");
    let lines: Vec<&str> = text.split("\r\n").collect();
    let start = lines
        .iter()
        .position(|l| *l == "总排名")
        .expect("the overall table");
    assert!(
        lines[start + 1].starts_with("名次,单位,"),
        "{}",
        lines[start + 1]
    );
    for (i, unit) in ranked.iter().enumerate() {
        let fields: Vec<&str> = lines[start + 2 + i].split(',').collect();
        assert_eq!(fields[0], unit["rank_overall"].to_string(), "line {i}");
        assert_eq!(fields[1], unit["unit_name"].as_str().expect("name"));
        assert_eq!(fields[5], unit["total"].as_str().expect("total"));
    }
    assert_eq!(
        lines[start + 2 + ranked.len()],
        "",
        "the table ends after its rows"
    );
    let added = text.matches("流式单位").count() as i64;
    assert_eq!(
        added,
        2 * ADDED,
        "each added unit on 总排名 and on 县直单位排名"
    );
    // Per table: a blank line, its name, its header row, then its rows; every table complete.
    let mut tables: Vec<(String, usize)> = Vec::new();
    for block in text.split("\r\n\r\n").skip(1) {
        let block_lines: Vec<&str> = block.split("\r\n").filter(|l| !l.is_empty()).collect();
        tables.push((block_lines[0].to_owned(), block_lines.len() - 2));
    }
    let count = |name: &str| {
        tables
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(count("总排名"), ranked.len(), "{tables:?}");
    assert_eq!(count("县直单位排名"), departments, "{tables:?}");
    let by_kind: usize = ["乡镇排名", "县直单位排名", "县属公司企业排名"]
        .map(count)
        .iter()
        .sum();
    assert_eq!(by_kind, ranked.len(), "{tables:?}");
    assert_eq!(
        count("未得出总分单位"),
        units.len() - ranked.len(),
        "{tables:?}"
    );
}

#[tokio::test]
async fn the_committee_report_never_answers_304_and_the_contract_promises_none() {
    let app = TestApp::spawn_demo().await;
    let path = format!("/api/v1/assessment-cycles/{PUBLISHED}/reports/committee");
    let first = app.get(&path, &app.office).await;
    assert_eq!(first.status().as_u16(), 200);
    let etag = header(first.headers(), "etag");
    assert_eq!(etag, "\"0\"", "the texts' version, for the PUT's If-Match");
    let again = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(&app.office)
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("request");
    assert_eq!(again.status().as_u16(), 200, "the figures may have changed");
    let body: Value = again.json().await.expect("JSON");
    assert_eq!(body["version"], 0, "{body}");
    assert!(
        body["assessed_units"].as_i64().is_some_and(|n| n > 0),
        "{body}"
    );

    let spec = lianzheng::openapi::spec();
    let get = &spec["paths"]["/api/v1/assessment-cycles/{cycle_id}/reports/committee"]["get"];
    let responses = get["responses"].as_object().expect("responses");
    assert!(responses.contains_key("200") && !responses.contains_key("304"));
    let parameters = get["parameters"].as_array().expect("parameters");
    assert!(!parameters.iter().any(|p| p["name"] == "If-None-Match"));
    let put = &spec["paths"]["/api/v1/assessment-cycles/{cycle_id}/reports/committee"]["put"];
    assert!(put["responses"]["200"]["headers"]["ETag"].is_object());
}
