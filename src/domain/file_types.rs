//! Which uploads are accepted, decided by their content, never by their name: PDF, Word,
//! Excel, images and plain text.

/// The media types an attachment may have.
pub const ALLOWED: &[&str] = &[
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/tiff",
    "text/plain; charset=utf-8",
];

/// The media type of `bytes`, or why they are refused.
pub fn detect(bytes: &[u8]) -> Result<&'static str, String> {
    if let Some(kind) = infer::get(bytes) {
        let mime = kind.mime_type();
        return ALLOWED
            .iter()
            .find(|allowed| **allowed == mime)
            .copied()
            .ok_or_else(|| format!("files of type {mime} are not accepted; send PDF, Word, Excel, an image or plain text"));
    }
    if is_plain_text(bytes) {
        return Ok("text/plain; charset=utf-8");
    }
    Err("the file is not PDF, Word, Excel, an image or UTF-8 plain text".to_owned())
}

/// UTF-8 text without NUL bytes that is not markup (an HTML page named `.txt` is refused).
fn is_plain_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) else {
        return false;
    };
    if text.contains('\0') {
        return false;
    }
    let head: String = text
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    let start = head.trim_start();
    let markup = [
        "<!doctype",
        "<html",
        "<?xml",
        "<svg",
        "<script",
        "<body",
        "<head",
        "<iframe",
    ];
    !(markup.iter().any(|m| start.starts_with(m))
        || head.contains("<html")
        || head.contains("<script"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(
            detect(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj"),
            Ok("application/pdf")
        );
        assert_eq!(
            detect("自查报告：本单位全年召开专题会议4次。".as_bytes()),
            Ok("text/plain; charset=utf-8")
        );
        assert!(detect(b"<!DOCTYPE html><html><body>x</body></html>").is_err());
        assert!(
            detect(b"PK\x03\x04\x14\x00\x00\x00\x08\x00").is_err(),
            "a plain zip is not a Word file"
        );
        assert!(detect(b"\x00\x01\x02binary").is_err());
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok("image/png"));
    }
}
