use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::IfNoneMatch;
use crate::models::attachment::AttachmentMeta;

/// `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187).
fn disposition(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(file_name, NON_ALPHANUMERIC)
    )
}

/// Download an attachment
///
/// Sends the file back byte for byte with its `Content-Type`, a `Content-Disposition` carrying
/// the original (Chinese) file name, and its SHA-256 as `ETag` (304 to a matching
/// `If-None-Match`). Readable by exactly the people who can read what it is attached to; until
/// it is attached, by its uploader and the office.
#[utoipa::path(
    tag = "attachments",
    params(("attachment_id" = i64, Path, description = "Attachment id", example = 12)),
    responses(
        (
            status = 200,
            description = "The file",
            content_type = "application/octet-stream",
            body = Vec<u8>,
            headers(("ETag" = String), ("Content-Disposition" = String))
        ),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (
            status = 404,
            description = "No such attachment in the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/attachments/{attachment_id}")]
pub async fn download_attachment(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let if_none_match = IfNoneMatch::of(&req);
    let (meta, content) = db::run(&pool, move |conn| {
        let meta = super::find_readable(conn, &user, id)?;
        if if_none_match.names(&ETag(format!("\"{}\"", meta.sha256))) {
            return Ok((meta, None));
        }
        let content = AttachmentMeta::content(conn, id)?;
        Ok((meta, Some(content)))
    })
    .await?;
    let etag = format!("\"{}\"", meta.sha256);
    Ok(match content {
        None => HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish(),
        Some(content) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, meta.content_type.clone()))
            .insert_header((header::CONTENT_DISPOSITION, disposition(&meta.file_name)))
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(content),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_are_sent_in_utf8_with_an_ascii_fallback() {
        let value = disposition("自查报告 2014.pdf");
        assert!(
            value.starts_with("attachment; filename=\"____ 2014.pdf\""),
            "{value}"
        );
        assert!(
            value.contains("filename*=UTF-8''%E8%87%AA%E6%9F%A5%E6%8A%A5%E5%91%8A%202014%2Epdf"),
            "{value}"
        );
    }
}
