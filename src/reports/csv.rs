//! A report as CSV (issue 16 §8): UTF-8 with a byte-order mark, so that Excel opens the Chinese
//! correctly; RFC 4180 quoting and CRLF line ends; and a text cell beginning with `=`, `+`, `-`
//! or `@` prefixed with `'`, so that a spreadsheet never runs it as a formula (OWASP, "CSV
//! injection"). Numbers are written as the JSON writes them.
//!
//! A report of several tables writes them one after another: the title and the date of the
//! data first, then each table's name, its header row and its rows, a blank line between.

use super::{Cell, Document};

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// The document as CSV bytes.
pub fn render(document: &Document) -> Vec<u8> {
    let mut out = String::from(BOM);
    line(&mut out, &[Cell::Text(document.title.clone())]);
    line(&mut out, &[Cell::Text(document.as_of_line())]);
    for sheet in &document.sheets {
        out.push_str("\r\n");
        if document.sheets.len() > 1 {
            line(&mut out, &[Cell::Text(sheet.name.clone())]);
        }
        let headers: Vec<Cell> = sheet
            .headers
            .iter()
            .map(|h| Cell::from(h.as_str()))
            .collect();
        line(&mut out, &headers);
        for row in &sheet.rows {
            line(&mut out, row);
        }
    }
    out.into_bytes()
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
}
