//! What the report tests share: a GET answering 200 (its content type, `Content-Disposition` and
//! body), its JSON, its .xlsx read back with calamine, the workbook's cells and zip parts.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

use crate::helpers::TestApp;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The response's header `name` as text, "" when it has none.
pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// GET `path` as `token`, with `Accept` when given, answering 200: the content type, the
/// `Content-Disposition` and the body.
pub async fn fetch(
    app: &TestApp,
    path: &str,
    token: &str,
    accept: Option<&str>,
) -> (String, String, Vec<u8>) {
    let mut request = app.request(reqwest::Method::GET, path, Some(token));
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    let response = request.send().await.expect("GET");
    let status = response.status().as_u16();
    let content_type = header(&response, "content-type");
    let disposition = header(&response, "content-disposition");
    let body = response.bytes().await.expect("body").to_vec();
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    (content_type, disposition, body)
}

/// GET `path` as `token`, answering 200 with JSON.
pub async fn json(app: &TestApp, path: &str, token: &str) -> Value {
    let (content_type, _, body) = fetch(app, path, token, None).await;
    assert_eq!(content_type, "application/json", "{path}");
    serde_json::from_slice(&body).expect("JSON")
}

/// GET `path?format=xlsx` as `token`, with `Accept` when given, answering an .xlsx file
/// calamine reads: the workbook, its bytes and the `Content-Disposition`.
pub async fn workbook(
    app: &TestApp,
    path: &str,
    token: &str,
    accept: Option<&str>,
) -> (Xlsx<Cursor<Vec<u8>>>, Vec<u8>, String) {
    let (content_type, disposition, body) =
        fetch(app, &format!("{path}?format=xlsx"), token, accept).await;
    assert_eq!(content_type, XLSX, "{path}");
    assert!(disposition.ends_with("%2Exlsx"), "{disposition}");
    let book = Xlsx::new(Cursor::new(body.clone())).expect("an .xlsx calamine reads");
    (book, body, disposition)
}

pub fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::String(s)) => s.clone(),
        other => panic!("a text cell, found {other:?}"),
    }
}

pub fn number(cell: Option<&Data>) -> f64 {
    match cell {
        Some(Data::Float(n)) => *n,
        Some(Data::Int(n)) => *n as f64,
        other => panic!("a numeric cell, found {other:?}"),
    }
}

/// The JSON's exact decimal string as the number a reader parses it to.
pub fn decimal(value: &Value) -> f64 {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a decimal string, found {value}"))
        .parse()
        .expect("a decimal")
}

/// The `n` text cells of `row`: a sheet's headers.
pub fn headers(range: &calamine::Range<Data>, row: u32, n: u32) -> Vec<String> {
    (0..n).map(|c| text(range.get_value((row, c)))).collect()
}

/// One part of the workbook's zip archive, as text.
pub fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    let mut file = archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the workbook"));
    let mut out = String::new();
    file.read_to_string(&mut out).expect("UTF-8 XML");
    out
}
