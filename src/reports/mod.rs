//! Reports as JSON, CSV or .xlsx (issue 16 §8), written once: every report under
//! `/api/v1/assessment-cycles/{cycle_id}/reports/` negotiates its format here ([`negotiate`]:
//! the `format` query parameter wins over `Accept`; anything else is 406), describes itself as
//! a [`Document`] of Chinese sheets, and answers through [`respond`], which sends the JSON as is
//! or renders the document ([`csv`], [`xlsx`]) with a `Content-Disposition` naming a Chinese file.
//!
//! Numbers stay exact decimals ([`Amount`]) until the .xlsx writer turns them into numeric
//! cells, the last step; the CSV writes them as the JSON does.
//!
//! Large exports (issue 16 item 8): the CSV is a chunked body rendered row by row as it is sent
//! ([`csv::Chunks`]), and the .xlsx is written in the writer's constant-memory mode, a row at a
//! time through a temporary file ([`xlsx`]). What a report shows is still read first, whole, in
//! one read-only snapshot (a ranking needs every unit before the first rank is known, and the
//! results' rules live in one place, `ops::results`), so no error can come after the first
//! byte: a failed read or a failed workbook is a problem answer, and an answer that starts is
//! the complete file. A client that hangs up mid-file only ends the stream.

pub mod csv;
pub mod xlsx;

use std::fmt;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use bigdecimal::{BigDecimal, RoundingMode, Zero};
use chrono::{DateTime, Utc};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::{IntoParams, ToSchema};

use crate::domain::calendar::china;
use crate::error::ApiError;

/// The media type of a CSV report.
pub const CSV: &str = "text/csv; charset=utf-8";
/// The media type of an .xlsx report.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The media type of a JSON report.
pub const JSON: &str = "application/json";

crate::text_enum! {
    /// 报表格式 (the format a report is served in).
    pub enum ReportFormat {
        /// JSON 数据 (JSON, as the contract types it; the default)
        Json => "json",
        /// CSV 表格 (CSV: UTF-8 with a byte-order mark, RFC 4180 quoting)
        Csv => "csv",
        /// Excel 工作簿 (an .xlsx workbook, A4, for printing)
        Xlsx => "xlsx",
    }
}

impl ReportFormat {
    /// The media type sent.
    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Json => JSON,
            ReportFormat::Csv => CSV,
            ReportFormat::Xlsx => XLSX,
        }
    }

    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        self.as_str()
    }
}

/// The county's name (`COUNTY_NAME`, the demo's 阳山县), in the reports' titles.
#[derive(Debug, Clone)]
pub struct County(pub String);

/// The query every report takes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatQuery {
    /// 输出格式 (`json`, `csv` or `xlsx`): wins over `Accept`; any other value is 406
    /// `not_acceptable`. Without it, `Accept` decides (`application/json`, `text/csv`, or the
    /// .xlsx media type; `*/*` or none is JSON).
    #[param(value_type = Option<ReportFormat>)]
    pub format: Option<String>,
}

/// Why no format could be chosen: the detail of the 406.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAcceptable(pub String);

impl NotAcceptable {
    /// The 406 problem answer.
    pub fn respond(&self) -> HttpResponse {
        crate::http::problem::problem(406, "not_acceptable", &self.0)
    }
}

/// The format of a report: the `format` parameter when given (406 when it names no format),
/// else the most preferred media type of `Accept` that a report has (by `q`, then by order;
/// `*/*` and `application/*` are JSON, `text/*` is CSV), JSON without `Accept`, and 406 when
/// `Accept` allows none of them.
pub fn negotiate(
    format: Option<&str>,
    accept: Option<&str>,
) -> Result<ReportFormat, NotAcceptable> {
    if let Some(name) = format {
        return name.parse().map_err(|_| {
            NotAcceptable(format!(
                "format `{}` is not one of json, csv, xlsx",
                name.chars().take(40).collect::<String>()
            ))
        });
    }
    let Some(accept) = accept.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(ReportFormat::Json);
    };
    let mut best: Option<(u16, ReportFormat)> = None;
    for entry in accept.split(',') {
        let mut parts = entry.split(';');
        let range = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .filter_map(|q| q.trim().parse::<f32>().ok())
            .next()
            .unwrap_or(1.0);
        if !(0.0..=1.0).contains(&q) || q == 0.0 {
            continue;
        }
        let found = match range.as_str() {
            "application/json" | "application/*" | "*/*" => ReportFormat::Json,
            "text/csv" | "text/*" => ReportFormat::Csv,
            XLSX => ReportFormat::Xlsx,
            _ => continue,
        };
        let q = (q * 1000.0) as u16;
        if best.is_none_or(|(b, _)| q > b) {
            best = Some((q, found));
        }
    }
    best.map(|(_, f)| f).ok_or_else(|| {
        NotAcceptable(format!(
            "Accept `{}` names none of application/json, text/csv, {XLSX}",
            accept.chars().take(80).collect::<String>()
        ))
    })
}

/// The format of `req`, from its `format` parameter and its `Accept` header.
pub fn format_of(req: &HttpRequest, query: &FormatQuery) -> Result<ReportFormat, NotAcceptable> {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    negotiate(query.format.as_deref(), accept)
}

/// An exact decimal of a report (a sum of points, a share in percent), sent as a string with
/// two decimals such as `"1234.50"`; unlike a single score it may pass 999.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, ToSchema)]
#[schema(value_type = String, example = "12.50", pattern = r"^-?\d+\.\d{2}$")]
pub struct Amount(pub BigDecimal);

impl Amount {
    /// Zero.
    pub fn zero() -> Self {
        Amount(BigDecimal::zero())
    }

    /// `part` as a percentage of `whole`, rounded half to even at two decimals (zero when
    /// `whole` is zero).
    pub fn percent(part: &BigDecimal, whole: &BigDecimal) -> Self {
        if whole.is_zero() {
            return Self::zero();
        }
        Amount((part * BigDecimal::from(100) / whole).with_scale_round(2, RoundingMode::HalfEven))
    }

    /// The value with exactly two decimals.
    pub fn to_fixed(&self) -> String {
        if self.0.is_zero() {
            return "0.00".to_owned();
        }
        self.0
            .with_scale_round(2, RoundingMode::HalfEven)
            .to_string()
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_fixed())
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_fixed())
    }
}

/// One cell of a report's table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A count: a numeric cell without decimals.
    Count(i64),
    /// An exact decimal: a numeric cell formatted `0.00`.
    Number(Amount),
    /// Nothing.
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Count(n)
    }
}

impl From<Amount> for Cell {
    fn from(n: Amount) -> Self {
        Cell::Number(n)
    }
}

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartKind {
    /// Columns, one per category (shares, totals by unit).
    #[default]
    Column,
    /// A line through the categories in order (totals by year).
    Line,
}

/// A native chart over a sheet's own data rows: one category column, one series a value column.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// Columns or a line.
    pub kind: ChartKind,
    /// Its title.
    pub title: String,
    /// The title of its value axis.
    pub value_axis: String,
    /// The column of the categories (0-based).
    pub categories: u16,
    /// The columns of its series (0-based), each named by its header.
    pub series: Vec<u16>,
}

/// One table of a report: a sheet of the workbook, a section of the CSV.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Its Chinese name (at most 31 characters, none of `[]:*?/\`).
    pub name: String,
    /// Its column headers, in Chinese.
    pub headers: Vec<String>,
    /// Column widths in characters, by column (the last one repeats).
    pub widths: Vec<f64>,
    /// Its rows.
    pub rows: Vec<Vec<Cell>>,
    /// A chart over its rows, if the report has one.
    pub chart: Option<ChartSpec>,
}

/// A report as tables, with the title every sheet carries.
#[derive(Debug, Clone)]
pub struct Document {
    /// The title: the county, the year and the report (`阳山县2014年度……考核进度`).
    pub title: String,
    /// The file name without its extension.
    pub file_stem: String,
    /// When the data was read.
    pub as_of: DateTime<Utc>,
    /// The tables, in order.
    pub sheets: Vec<Sheet>,
}

/// Rows of the title block above each sheet's header row in the .xlsx (title, date of data).
pub const TITLE_ROWS: u32 = 2;

impl Document {
    /// `数据截至 2014-09-25 09:00（北京时间）`: the line under the title.
    pub fn as_of_line(&self) -> String {
        format!(
            "数据截至 {}（北京时间）",
            self.as_of.with_timezone(&china()).format("%Y-%m-%d %H:%M")
        )
    }
}

/// The Chinese part of a `text_enum!` label (`好 (good)` is `好`).
pub fn zh_label(labels: &[(&str, &'static str)], value: &str) -> &'static str {
    labels
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("", |(_, label)| label.split(" (").next().unwrap_or(label))
}

/// `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187).
pub fn disposition(kind: &str, file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(file_name, NON_ALPHANUMERIC)
    )
}

/// The answer of a report in `format`: `json` as is, or `document` rendered (the CSV streamed
/// in chunks, the .xlsx whole); each with a `Content-Disposition` naming the file and
/// `Vary: Accept`. Whatever can fail fails here, before the answer starts.
pub fn respond<T: Serialize>(
    format: ReportFormat,
    json: &T,
    document: impl FnOnce() -> Document,
) -> Result<HttpResponse, ApiError> {
    let document = document();
    let file_name = format!("{}.{}", document.file_stem, format.extension());
    let mut answer = HttpResponse::Ok();
    answer
        .insert_header((header::CONTENT_TYPE, format.media_type()))
        .insert_header((header::VARY, "Accept"));
    Ok(match format {
        ReportFormat::Json => {
            let body = serde_json::to_vec(json).map_err(ApiError::internal)?;
            answer
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    disposition("inline", &file_name),
                ))
                .body(body)
        }
        ReportFormat::Csv => answer
            .insert_header((
                header::CONTENT_DISPOSITION,
                disposition("attachment", &file_name),
            ))
            .streaming(csv::stream(document)),
        ReportFormat::Xlsx => {
            let body = xlsx::render(&document)?;
            drop(document);
            answer
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    disposition("attachment", &file_name),
                ))
                .body(body)
        }
    })
}

/// A report's bytes in the contract (CSV text or an .xlsx workbook).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(
    dead_code,
    reason = "it only describes the report files in the contract"
)]
pub struct ReportFile(Vec<u8>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_parameter_wins_over_accept() {
        assert_eq!(negotiate(Some("csv"), Some(XLSX)), Ok(ReportFormat::Csv));
        assert_eq!(
            negotiate(Some("xlsx"), Some("application/json")),
            Ok(ReportFormat::Xlsx)
        );
        assert!(negotiate(Some("pdf"), Some("application/json")).is_err());
        assert!(negotiate(Some("CSV"), None).is_err());
    }

    #[test]
    fn accept_picks_the_most_preferred_format_a_report_has() {
        assert_eq!(negotiate(None, None), Ok(ReportFormat::Json));
        assert_eq!(negotiate(None, Some("*/*")), Ok(ReportFormat::Json));
        assert_eq!(negotiate(None, Some("text/csv")), Ok(ReportFormat::Csv));
        let both = format!("text/csv;q=0.5, {XLSX}");
        assert_eq!(negotiate(None, Some(&both)), Ok(ReportFormat::Xlsx));
        assert_eq!(
            negotiate(None, Some("application/pdf, text/*;q=0.1")),
            Ok(ReportFormat::Csv)
        );
        assert!(negotiate(None, Some("application/pdf")).is_err());
        assert!(negotiate(None, Some("text/csv;q=0")).is_err());
    }

    #[test]
    fn shares_are_exact_percentages_rounded_half_to_even() {
        let p = |s: &str| s.parse::<BigDecimal>().expect("decimal");
        assert_eq!(Amount::percent(&p("1"), &p("3")).to_fixed(), "33.33");
        assert_eq!(Amount::percent(&p("0.125"), &p("100")).to_fixed(), "0.12");
        assert_eq!(Amount::percent(&p("5"), &p("0")).to_fixed(), "0.00");
        assert_eq!(Amount(p("1234.5")).to_fixed(), "1234.50");
    }

    #[test]
    fn chinese_file_names_are_sent_in_utf8_with_an_ascii_fallback() {
        let value = disposition("attachment", "阳山县2014年度考核进度.csv");
        assert!(
            value.starts_with("attachment; filename=\"___2014"),
            "{value}"
        );
        assert!(value.ends_with("%2Ecsv"), "{value}");
        assert!(value.contains("filename*=UTF-8''%E9%98%B3"), "{value}");
    }
}
