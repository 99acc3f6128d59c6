//! A report as CSV (issue 16 §8): UTF-8 with a byte-order mark, so that Excel opens the Chinese
//! correctly; RFC 4180 quoting and CRLF line ends; and a text cell beginning with `=`, `+`, `-`
//! or `@` prefixed with `'`, so that a spreadsheet never runs it as a formula (OWASP, "CSV
//! injection"). Numbers are written as the JSON writes them.
//!
//! A report of several tables writes them one after another: the title and the date of the
//! data first, then each table's name, its header row and its rows, a blank line between.
//!
//! The file is sent as a chunked body ([`Chunks`]): rows are rendered to bytes as the answer
//! goes out, about [`CHUNK_BYTES`] at a time, and each row's cells are dropped once written, so
//! the whole file never exists as one string. Rendering cannot fail: everything that can (the
//! format, the database reads in one snapshot, the report's rules) has run before the first
//! byte, so an answer that starts is complete; a client that hangs up only ends the stream.

use std::convert::Infallible;

use actix_web::web::Bytes;

use super::{Cell, Document, Sheet};

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// About how many bytes each chunk of the body holds (a chunk ends after the row that passes it).
pub const CHUNK_BYTES: usize = 64 * 1024;

/// The document as CSV bytes, whole (the chunks of [`Chunks`] one after another).
pub fn render(document: &Document) -> Vec<u8> {
    Chunks::new(document.clone())
        .flat_map(|c| c.to_vec())
        .collect()
}

/// The document as a body stream of CSV chunks, for `HttpResponseBuilder::streaming`.
pub fn stream(
    document: Document,
) -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> + 'static {
    futures_util::stream::iter(Chunks::new(document).map(Ok))
}

/// The CSV of a document, chunk by chunk: the BOM, the title and the date of the data in the
/// first, then the tables' lines in order. Owns the document and drops each row once rendered.
pub struct Chunks {
    /// The first lines, until the first chunk takes them.
    head: Option<String>,
    /// Whether the document has several tables (each then named on its own line).
    named: bool,
    /// The tables still to write.
    sheets: std::vec::IntoIter<Sheet>,
    /// The rows still to write of the table being written.
    rows: std::vec::IntoIter<Vec<Cell>>,
}

impl Chunks {
    /// The chunks of `document`.
    pub fn new(document: Document) -> Self {
        let mut head = String::from(BOM);
        line(&mut head, &[Cell::Text(document.title.clone())]);
        line(&mut head, &[Cell::Text(document.as_of_line())]);
        Self {
            head: Some(head),
            named: document.sheets.len() > 1,
            sheets: document.sheets.into_iter(),
            rows: Vec::new().into_iter(),
        }
    }
}

impl Iterator for Chunks {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        let mut out = self.head.take().unwrap_or_default();
        while out.len() < CHUNK_BYTES {
            if let Some(row) = self.rows.next() {
                line(&mut out, &row);
                continue;
            }
            let Some(mut sheet) = self.sheets.next() else {
                break;
            };
            out.push_str("\r\n");
            if self.named {
                line(&mut out, &[Cell::Text(sheet.name.clone())]);
            }
            let headers: Vec<Cell> = sheet
                .headers
                .iter()
                .map(|h| Cell::from(h.as_str()))
                .collect();
            line(&mut out, &headers);
            self.rows = std::mem::take(&mut sheet.rows).into_iter();
        }
        (!out.is_empty()).then(|| Bytes::from(out))
    }
}

fn line(out: &mut String, cells: &[Cell]) {
    let fields: Vec<String> = cells.iter().map(field).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// One field: escaped against formulas, then quoted where RFC 4180 needs it.
pub fn field(cell: &Cell) -> String {
    let text = match cell {
        Cell::Text(text) => defuse(text),
        Cell::Count(n) => n.to_string(),
        Cell::Number(n) => n.to_fixed(),
        Cell::Empty => String::new(),
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Text that a spreadsheet would read as a formula gets a leading `'`.
fn defuse(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::{Amount, Sheet};

    #[test]
    fn formulas_are_escaped_and_fields_quoted_per_rfc_4180() {
        assert_eq!(field(&Cell::from("=1+1")), "'=1+1");
        assert_eq!(field(&Cell::from("@SUM(A1)")), "'@SUM(A1)");
        assert_eq!(field(&Cell::from("-2")), "'-2");
        assert_eq!(field(&Cell::from("+86")), "'+86");
        assert_eq!(field(&Cell::from("县财政局")), "县财政局");
        assert_eq!(field(&Cell::from("甲,乙")), "\"甲,乙\"");
        assert_eq!(field(&Cell::from("说\"明\"")), "\"说\"\"明\"\"\"");
        assert_eq!(field(&Cell::from("=A1,\"x\"")), "\"'=A1,\"\"x\"\"\"");
        assert_eq!(field(&Cell::Count(-3)), "-3");
        let n = Amount("87.5".parse().expect("decimal"));
        assert_eq!(field(&Cell::Number(n)), "87.50");
    }

    #[test]
    fn a_document_starts_with_a_bom_and_ends_lines_with_crlf() {
        let document = Document {
            title: "阳山县".into(),
            file_stem: "x".into(),
            as_of: chrono::DateTime::UNIX_EPOCH,
            sheets: vec![Sheet {
                name: "表".into(),
                headers: vec!["单位".into()],
                widths: vec![10.0],
                rows: vec![vec![Cell::from("=1+1")]],
                chart: None,
            }],
        };
        let text = String::from_utf8(render(&document)).expect("utf-8");
        assert!(text.starts_with("\u{feff}阳山县\r\n"), "{text}");
        assert!(text.ends_with("\r\n单位\r\n'=1+1\r\n"), "{text}");
    }

    #[test]
    fn a_long_table_comes_in_several_chunks_that_add_up_to_the_whole() {
        let rows: Vec<Vec<Cell>> = (0..20_000)
            .map(|i| vec![Cell::Text(format!("单位{i}")), Cell::Count(i)])
            .collect();
        let document = Document {
            title: "阳山县".into(),
            file_stem: "x".into(),
            as_of: chrono::DateTime::UNIX_EPOCH,
            sheets: vec![Sheet {
                name: "表".into(),
                headers: vec!["单位".into(), "名次".into()],
                widths: vec![10.0],
                rows,
                chart: None,
            }],
        };
        let chunks: Vec<Bytes> = Chunks::new(document.clone()).collect();
        assert!(chunks.len() > 3, "{} chunks", chunks.len());
        assert!(chunks.iter().all(|c| c.len() < CHUNK_BYTES + 200));
        let text = String::from_utf8(chunks.concat()).expect("utf-8");
        assert!(text.starts_with(BOM));
        assert_eq!(text.matches("\r\n").count(), 2 + 1 + 1 + 20_000);
        assert!(text.ends_with("\r\n单位19999,19999\r\n"), "{text}");
        assert_eq!(text.as_bytes(), render(&document).as_slice());
    }
}
