use actix_multipart::Multipart;
use actix_web::http::header::{self, ContentDisposition};
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use utoipa::ToSchema;

use super::UploadLimit;
use super::json::AttachmentResponse;
use crate::audit::sha256_hex;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::domain::file_types::{self, Refused};
use crate::domain::text;
use crate::error::ApiError;
use crate::http::json::{BodyReadTimeout, invalid_character};
use crate::models::attachment::NewAttachment;
use crate::ops::attachments::store;

/// The multipart form of an upload. Its example is the content of a small plain-text file.
#[derive(Debug, ToSchema)]
#[schema(example = json!({"file": "2014年党委会议记录摘录：全年专题研究党风廉政建设工作4次。"}))]
#[expect(
    dead_code,
    reason = "it only describes the multipart form in the contract"
)]
pub struct UploadForm {
    /// 文件 (the file: PDF, Word, Excel, an image or UTF-8 plain text; at most `UPLOAD_LIMIT`
    /// bytes).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn too_large(limit: usize) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "the file is larger than the upload limit of {limit} bytes"
    ))
}

fn malformed(error: actix_multipart::MultipartError) -> ApiError {
    ApiError::BadRequest {
        code: "malformed_multipart",
        detail: error.to_string(),
    }
}

/// The client's file name: `filename*` (RFC 6266, UTF-8) when given, else `filename`.
fn client_file_name(disposition: Option<&ContentDisposition>) -> Option<String> {
    let disposition = disposition?;
    disposition
        .get_filename_ext()
        .filter(|ext| ext.charset.to_string().eq_ignore_ascii_case("utf-8"))
        .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
        .or_else(|| disposition.get_filename().map(str::to_owned))
}

/// Keeps the last path segment of a client's file name, trimmed, at most 200 characters.
fn clean_file_name(raw: Option<&str>) -> String {
    let base = raw
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if name.is_empty() {
        "attachment".to_owned()
    } else {
        name
    }
}

/// 上传附件 (Upload an attachment)
///
/// `multipart/form-data`，恰好一个字段 `file`。文件类型按内容识别，不看文件名：接受 PDF、Word、
/// Excel、图片和 UTF-8 纯文本。文件连同其 SHA-256 存入数据库。在附到某份文档之前（把它的 id 列入
/// 文档的 `attachment_ids`），只有上传者和考评办能读，一天后自动删除。任何一项检查不通过都不存储。
/// (Multipart form with exactly one field `file`. The type is checked from the content, not the
/// name. The file is stored with its SHA-256; until it is attached to a document, only its
/// uploader and the office can read it, and it is removed after a day. Nothing is stored when
/// any check refuses.)
///
/// 400: 没有 `file` 字段 (`file_missing`) 或表单格式错误 (`malformed_multipart`). 413: 超过上传
/// 上限（默认 20 MiB） (over the upload limit, 20 MiB by default). 415: 不是 multipart，或不接受的
/// 文件类型 (not multipart, or a type not accepted). 422: 空文件 (`empty_file`)、两个 `file`
/// (`duplicate_file`)、文件名含 NUL (`invalid_character`)，或 Word/Excel 压缩包损坏、为 ZIP64、
/// 解压后超过自身 100 倍（最多 100 MiB） (an empty file, two files, a NUL in a name, or a Word or
/// Excel archive that is corrupt, ZIP64, or unpacks to more than 100 times its size).
#[utoipa::path(
    tag = "attachments",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((
        status = 201,
        description = "已存储 (stored)",
        body = AttachmentResponse,
        headers(
            ("Location" = String, description = "The download URL"),
            ("ETag" = String, description = "The download's tag: the file's SHA-256 in quotes"),
        ),
    )),
    security(("bearer" = []))
)]
#[post("/attachments")]
pub async fn upload_attachment(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let limit = req
        .app_data::<UploadLimit>()
        .map_or(20 * 1024 * 1024, |l| l.0);
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(ApiError::UnsupportedMediaType(
            "upload the file as multipart/form-data with a field `file`".to_owned(),
        ));
    }
    // The whole request may carry a little more than the file: the form's own framing.
    if let Some(length) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && length > limit + 64 * 1024
    {
        return Err(too_large(limit));
    }
    let mut form = Multipart::new(req.headers(), payload);
    // The whole form must arrive within BODY_READ_TIMEOUT: a trickling client holds nothing.
    let read_timeout = BodyReadTimeout::of(&req);
    let read = async {
        let mut upload: Option<(String, Vec<u8>)> = None;
        while let Some(field) = form.next().await {
            let mut field = field.map_err(malformed)?;
            let part_name = field.name().unwrap_or_default().to_owned();
            if !text::is_storable(&part_name) {
                return Err(ApiError::Validation(vec![invalid_character(
                    &part_name.replace('\0', "\\u0000"),
                )]));
            }
            if part_name != "file" {
                while let Some(chunk) = field.next().await {
                    chunk.map_err(malformed)?;
                }
                continue;
            }
            if upload.is_some() {
                return Err(ApiError::field(
                    "file",
                    "duplicate_file",
                    "the form has more than one field named `file`; send one file a request",
                ));
            }
            let raw_name = client_file_name(field.content_disposition());
            if raw_name.as_deref().is_some_and(|n| !text::is_storable(n)) {
                return Err(ApiError::Validation(vec![invalid_character(
                    "file.filename",
                )]));
            }
            let name = clean_file_name(raw_name.as_deref());
            let mut bytes = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(malformed)?;
                if bytes.len() + chunk.len() > limit {
                    return Err(too_large(limit));
                }
                bytes.extend_from_slice(&chunk);
            }
            upload = Some((name, bytes));
        }
        Ok::<_, ApiError>(upload)
    };
    let upload = actix_web::rt::time::timeout(read_timeout, read)
        .await
        .map_err(|_| BodyReadTimeout::exceeded(read_timeout))??;
    let (file_name, content) = upload.ok_or_else(|| ApiError::BadRequest {
        code: "file_missing",
        detail: "the form has no field named `file`".to_owned(),
    })?;
    if content.is_empty() {
        return Err(ApiError::field(
            "file",
            "empty_file",
            "the file is empty (0 bytes)",
        ));
    }
    let content_type = file_types::detect(&content).map_err(|refused| match refused {
        Refused::NotAccepted(why) => ApiError::UnsupportedMediaType(why),
        Refused::Archive { code, message } => ApiError::field("file", code, message),
    })?;
    let new = NewAttachment {
        uploader_sub: user.sub.clone(),
        uploader_role: user.role.as_str().to_owned(),
        file_name,
        content_type: content_type.to_owned(),
        size_bytes: content.len() as i64,
        sha256: sha256_hex(&content),
        content,
    };
    let meta = db::write(&pool, user.actor(), move |conn| store(conn, &new)).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/attachments/{}", meta.id)))
        // The download's tag: the file's SHA-256, which never changes.
        .insert_header((header::ETAG, format!("\"{}\"", meta.sha256)))
        .json(AttachmentResponse::from(meta)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_paths_but_keep_chinese() {
        assert_eq!(
            clean_file_name(Some("C:\\文件\\自查报告.pdf")),
            "自查报告.pdf"
        );
        assert_eq!(clean_file_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(clean_file_name(None), "attachment");
    }
}
