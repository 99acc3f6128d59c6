use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::IfNoneMatch;
use crate::http::params::AttachmentPath;
use crate::models::attachment::AttachmentMeta;

/// A file's bytes, as the download sends them (a binary string in the contract, so that a
/// generated client reads a blob, not JSON).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "it only describes the download in the contract")]
pub struct FileBytes(Vec<u8>);

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

/// 下载附件 (Download an attachment)
///
/// 原样返回文件内容，`Content-Type` 为上传时由内容识别出的类型，`Content-Disposition` 带原始
/// （中文）文件名，`ETag` 为其 SHA-256。能读所附文档的人都能下载；尚未附上时，仅上传者和考评办
/// 可以。 (Sends the file back byte for byte with the media type detected at upload, a
/// `Content-Disposition` carrying the original file name, and its SHA-256 as `ETag`. Readable
/// by exactly the people who can read what it is attached to; until it is attached, by its
/// uploader and the office.)
///
/// 404: 调用者范围内无此附件 (no such attachment in the caller's scope).
#[utoipa::path(
    tag = "attachments",
    params(AttachmentPath),
    responses((
        status = 200,
        description = "文件内容 (the file, in the media type detected when it was uploaded)",
        content(
            (FileBytes = "application/pdf"),
            (FileBytes = "application/msword"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (FileBytes = "application/vnd.ms-excel"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "image/jpeg"),
            (FileBytes = "image/png"),
            (FileBytes = "image/gif"),
            (FileBytes = "image/webp"),
            (FileBytes = "image/bmp"),
            (FileBytes = "image/tiff"),
            (FileBytes = "text/plain; charset=utf-8"),
        ),
        headers(
            ("ETag" = String, description = "The file's SHA-256 in quotes"),
            ("Content-Disposition" = String,
                description = "`attachment`, with the file name (`filename*`, UTF-8)"),
        ),
    )),
    security(("bearer" = []))
)]
#[get("/attachments/{attachment_id}")]
pub async fn download_attachment(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<AttachmentPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.attachment_id;
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
    fn the_download_declares_every_media_type_an_upload_may_have_as_binary() {
        let doc = crate::openapi::spec();
        let ok = &doc["paths"]["/api/v1/attachments/{attachment_id}"]["get"]["responses"]["200"];
        let content = ok["content"].as_object().expect("content");
        let declared: Vec<&str> = content.keys().map(String::as_str).collect();
        assert_eq!(declared, crate::domain::file_types::ALLOWED);
        for (media_type, body) in content {
            let schema = &doc["components"]["schemas"]["FileBytes"];
            assert_eq!(
                body["schema"]["$ref"], "#/components/schemas/FileBytes",
                "{media_type}"
            );
            assert_eq!(schema["type"], "string");
            assert_eq!(schema["format"], "binary");
        }
    }

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
