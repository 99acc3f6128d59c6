//! A report as an .xlsx workbook (issue 16 §8), written by `rust_xlsxwriter`, never by hand:
//! one sheet per table, named in Chinese; on each, a title row with the county, the year and the
//! report, a line with the date of the data, then the header row, repeated on every printed
//! page; A4, fit to the page width. Counts are numeric cells; decimals numeric cells formatted
//! `0.00`, converted from their exact two-decimal text only here, so that each cell is the
//! number nearest to the JSON's string. A table with a chart gets a native Excel chart over its
//! own data rows, placed to the right of them.
//!
//! Every sheet is written in `rust_xlsxwriter`'s constant-memory mode: rows go out in order to a
//! temporary file per sheet (in the system's temporary directory), so the writer holds one row
//! at a time instead of every cell of a 20,000-unit ranking; the column widths, the title rows'
//! height and the print settings are set before the first row. The workbook is then zipped into
//! one buffer (the compressed file, a small fraction of the cells) before the answer starts, so
//! a failure of the writer or of its temporary file is a 500 problem, never a truncated file.

use rust_xlsxwriter::{
    Chart, ChartType, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::{Cell, ChartKind, Document, Sheet, TITLE_ROWS};
use crate::error::ApiError;

/// Excel's paper size code for A4.
const A4: u8 = 9;

/// The document as .xlsx bytes.
pub fn render(document: &Document) -> Result<Vec<u8>, ApiError> {
    build(document).map_err(ApiError::internal)
}

fn build(document: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    for sheet in &document.sheets {
        let worksheet = workbook.add_worksheet_with_constant_memory()?;
        write_sheet(worksheet, document, sheet, &formats)?;
    }
    workbook.save_to_buffer()
}

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    count: Format,
    decimal: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new().set_border(FormatBorder::Thin);
        Self {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new().set_align(FormatAlign::Right),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xD9E1F2),
            text: cell.clone().set_text_wrap(),
            count: cell.clone().set_num_format("0"),
            decimal: cell.set_num_format("0.00"),
        }
    }
}

fn write_sheet(
    worksheet: &mut Worksheet,
    document: &Document,
    sheet: &Sheet,
    formats: &Formats,
) -> Result<(), XlsxError> {
    worksheet.set_name(&sheet.name)?;
    worksheet.set_paper_size(A4);
    if sheet.headers.len() > 5 {
        worksheet.set_landscape();
    }
    worksheet.set_print_fit_to_pages(1, 0);
    worksheet.set_print_center_horizontally(true);
    let header_row = TITLE_ROWS;
    worksheet.set_repeat_rows(0, header_row)?;
    let last_col = u16::try_from(sheet.headers.len().max(1) - 1).unwrap_or(0);
    // Constant memory: whatever shapes a row is set before the row is written, and rows are
    // written in order (a write to an earlier row would be dropped).
    for col in (0u16..).take(sheet.headers.len()) {
        let width = sheet
            .widths
            .get(usize::from(col))
            .or(sheet.widths.last())
            .copied()
            .unwrap_or(12.0);
        worksheet.set_column_width(col, width)?;
    }
    worksheet.set_row_height(0, 24)?;
    if last_col > 0 {
        worksheet.merge_range(0, 0, 0, last_col, &document.title, &formats.title)?;
        worksheet.merge_range(1, 0, 1, last_col, &document.as_of_line(), &formats.subtitle)?;
    } else {
        worksheet.write_string_with_format(0, 0, &document.title, &formats.title)?;
        worksheet.write_string_with_format(1, 0, document.as_of_line(), &formats.subtitle)?;
    }
    for (col, header) in (0u16..).zip(&sheet.headers) {
        worksheet.write_string_with_format(header_row, col, header, &formats.header)?;
    }
    for (row, cells) in (header_row + 1..).zip(&sheet.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(text) => {
                    worksheet.write_string_with_format(row, col, text, &formats.text)?;
                }
                Cell::Count(n) => {
                    // Counts of units and leaders: far below 2^53, exact as a double.
                    #[expect(clippy::cast_precision_loss, reason = "counts are small")]
                    let n = *n as f64;
                    worksheet.write_number_with_format(row, col, n, &formats.count)?;
                }
                Cell::Number(amount) => {
                    // The last step: the exact decimal's two-decimal text becomes the double
                    // nearest to it, as a reader of the JSON would parse it.
                    let n: f64 = amount.to_fixed().parse().unwrap_or_default();
                    worksheet.write_number_with_format(row, col, n, &formats.decimal)?;
                }
                Cell::Empty => {
                    worksheet.write_blank(row, col, &formats.text)?;
                }
            }
        }
    }
    if let Some(spec) = &sheet.chart
        && !sheet.rows.is_empty()
    {
        let first = header_row + 1;
        let last = header_row + u32::try_from(sheet.rows.len()).unwrap_or(1);
        let mut chart = Chart::new(match spec.kind {
            ChartKind::Column => ChartType::Column,
            ChartKind::Line => ChartType::Line,
        });
        for &col in &spec.series {
            chart
                .add_series()
                .set_name((sheet.name.as_str(), header_row, col))
                .set_categories((
                    sheet.name.as_str(),
                    first,
                    spec.categories,
                    last,
                    spec.categories,
                ))
                .set_values((sheet.name.as_str(), first, col, last, col));
        }
        chart.title().set_name(&spec.title);
        chart.y_axis().set_name(&spec.value_axis);
        chart.set_width(720).set_height(480);
        worksheet.insert_chart(first, last_col + 2, &chart)?;
    }
    Ok(())
}
