//! The one error type of the service, rendered as RFC 9457 `application/problem+json`.
//!
//! Every handler returns `Result<_, ApiError>`; actix's own errors (malformed JSON, bad query
//! strings, oversized bodies, unknown routes) are converted into it in [`crate::startup`], so a
//! client only ever sees one error shape with a stable machine-readable `code`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

pub mod messages;

use messages::Lang;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Seconds a client should wait before retrying when the database is unavailable.
const RETRY_AFTER_SECONDS: &str = "2";

/// One offending field of a request, listed in a validation problem.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field, for example `name` or `leaders[0].position`.
    #[schema(example = "name")]
    pub field: String,
    /// Stable code of the rule the value broke, for example `required` or `too_long`.
    #[schema(example = "blank")]
    pub code: String,
    /// Human-readable explanation: Chinese, or English on `Accept-Language: en`.
    #[schema(example = "`name` 不能为空白")]
    pub message: String,
}

impl FieldError {
    /// A field error with the given field path, rule code and message.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document, the body of every error response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:lianzheng:problem:not_found",
    "title": "未找到",
    "status": 404,
    "detail": "对象不存在，或不在您的权限范围内（unit 42 does not exist）",
    "code": "not_found"
}))]
pub struct Problem {
    /// URI identifying the problem type: `urn:lianzheng:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type: Chinese (`未找到`), or the HTTP reason phrase in
    /// English on `Accept-Language: en`.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence, in the same language as `title`.
    pub detail: String,
    /// Stable machine-readable code; clients branch on this, never on `detail`.
    pub code: String,
    /// For validation problems: every offending field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// Every way a request can fail. Each variant documents the status it answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, a bad query string or header).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// 401: no token, or a token that does not verify. Carries `WWW-Authenticate: Bearer`.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// 403: the object is within the caller's scope, but their role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 403 with its own code: the object is within the caller's scope but withheld from them
    /// for now (`not_published`: a unit's own result, sheet or team report before publication).
    #[error("{detail}")]
    Withheld { code: &'static str, detail: String },
    /// 404: the object does not exist, or is outside the caller's scope (the same answer).
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists, the method does not. Carries `Allow`.
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    /// 409: the request conflicts with the current state (a taken name, a referenced unit).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// 412: `If-Match` does not match the current `ETag`; nothing was changed.
    #[error("{0}")]
    PreconditionFailed(String),
    /// 428: the write needs `If-Match` with the resource's current `ETag`.
    #[error("{0}")]
    PreconditionRequired(String),
    /// 413: the body is over the configured limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not of a media type this call accepts.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: the body was read but breaks the rules; lists each offending field.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 503: the database is unreachable, saturated or too slow. Carries `Retry-After`.
    #[error("{0}")]
    Unavailable(String),
    /// 500: a bug. The cause is logged; the client sees only a generic message.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// A 404 naming what was not found.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    /// A 422 for a single field.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// A 500 whose cause is logged here, once, and never shown to the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::Internal(cause.to_string())
    }

    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Conflict { code, .. }
            | Self::Withheld { code, .. } => code,
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PreconditionFailed(_) => "precondition_failed",
            Self::PreconditionRequired(_) => "precondition_required",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::Unavailable(_) => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Internal(_) => "an unexpected error occurred; it has been logged".to_owned(),
            Self::Validation(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                format!("the request has invalid fields: {}", fields.join(", "))
            }
            Self::MethodNotAllowed { allow } => {
                format!("this path accepts only: {}", allow.join(", "))
            }
            other => other.to_string(),
        }
    }

    /// The problem document this error renders as, in the language of the request being
    /// served (Chinese unless it prefers English).
    pub fn problem(&self) -> Problem {
        self.problem_in(messages::current())
    }

    /// The problem document this error renders as, in `lang`. The `code` is the same in both.
    pub fn problem_in(&self, lang: Lang) -> Problem {
        let status = self.status_code();
        let code = self.code();
        let english = self.detail();
        let (title, detail) = match lang {
            Lang::En => (
                status.canonical_reason().unwrap_or("Error").to_owned(),
                english,
            ),
            Lang::Zh => {
                let detail = match self {
                    Self::Validation(errors) => {
                        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                        format!("请求中有无效的字段：{}", fields.join("、"))
                    }
                    Self::MethodNotAllowed { allow } => {
                        format!("该路径只支持：{}", allow.join(", "))
                    }
                    _ => messages::detail(status.as_u16(), code, &english),
                };
                (messages::title(status.as_u16()).to_owned(), detail)
            }
        };
        Problem {
            type_: format!("urn:lianzheng:problem:{code}"),
            title,
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            errors: match self {
                Self::Validation(errors) => Some(
                    errors
                        .iter()
                        .map(|e| match lang {
                            Lang::En => e.clone(),
                            Lang::Zh => FieldError {
                                message: messages::field(&e.field, &e.code, &e.message),
                                ..e.clone()
                            },
                        })
                        .collect(),
                ),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::Withheld { .. } => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            Self::Unauthorized { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
            }
            _ => {}
        }
        let lang = messages::current();
        response.insert_header((header::CONTENT_LANGUAGE, lang.tag()));
        response.insert_header((header::VARY, "Accept-Language"));
        response.body(serde_json::to_string(&self.problem_in(lang)).unwrap_or_default())
    }
}

/// Named constraints and the problem each one means. Constraint names are set in the migrations.
fn constraint_problem(constraint: &str) -> Option<ApiError> {
    let conflict = |code, detail: &str| ApiError::Conflict {
        code,
        detail: detail.to_owned(),
    };
    Some(match constraint {
        "units_name_active_key" => conflict(
            "unit_name_taken",
            "another unit that is not archived already has this name",
        ),
        "inspection_teams_cycle_name_key" => conflict(
            "team_name_taken",
            "another team of this cycle already has this name",
        ),
        "assessment_cycles_year_key" => conflict(
            "cycle_year_taken",
            "there is already an assessment cycle for this year",
        ),
        _ => return None,
    })
}

impl From<DieselError> for ApiError {
    fn from(error: DieselError) -> Self {
        match &error {
            DieselError::NotFound => {
                ApiError::NotFound("the requested object does not exist".to_owned())
            }
            DieselError::DatabaseError(kind, info) => {
                if let Some(problem) = info.constraint_name().and_then(constraint_problem) {
                    return problem;
                }
                match kind {
                    DatabaseErrorKind::UniqueViolation => ApiError::Conflict {
                        code: "conflict",
                        detail: "the change conflicts with an existing object".to_owned(),
                    },
                    DatabaseErrorKind::ForeignKeyViolation => ApiError::Conflict {
                        code: "referenced",
                        detail: "the object is referenced by other data, or refers to data that \
                            does not exist"
                            .to_owned(),
                    },
                    DatabaseErrorKind::ClosedConnection
                    | DatabaseErrorKind::UnableToSendCommand => {
                        tracing::warn!(error = %error, "database connection lost");
                        ApiError::Unavailable(
                            "the database is unavailable; retry shortly".to_owned(),
                        )
                    }
                    DatabaseErrorKind::SerializationFailure => ApiError::Unavailable(
                        "the database was busy with a conflicting change; \
                            retry"
                            .to_owned(),
                    ),
                    _ if info.message().contains("statement timeout")
                        || info.message().contains("lock timeout") =>
                    {
                        tracing::warn!("database statement timed out");
                        ApiError::Unavailable(
                            "the database took too long to answer; retry shortly".to_owned(),
                        )
                    }
                    _ if is_connection_failure(info.message()) => {
                        tracing::warn!(error = %error, "database connection failure");
                        ApiError::Unavailable(
                            "the database is unavailable; retry shortly".to_owned(),
                        )
                    }
                    _ => ApiError::internal(error),
                }
            }
            _ => ApiError::internal(error),
        }
    }
}

/// Messages PostgreSQL sends when the connection or the database itself is going away.
pub(crate) fn is_connection_failure(message: &str) -> bool {
    const MARKERS: [&str; 4] = [
        "terminating connection",
        "server closed the connection",
        "no connection to the server",
        "the database system is shutting down",
    ];
    MARKERS.iter().any(|m| message.contains(m))
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(error = %error, "no database connection available");
        ApiError::Unavailable(
            "no database connection became available in time; retry shortly".to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_problem_lists_every_field() {
        let error = ApiError::Validation(vec![
            FieldError::new("name", "blank", "x"),
            FieldError::new("kind", "invalid", "y"),
        ]);
        let problem = error.problem_in(Lang::En);
        assert_eq!(problem.status, 422);
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.errors.as_ref().map(Vec::len), Some(2));
        assert!(problem.detail.contains("name, kind"));
        let chinese = error.problem_in(Lang::Zh);
        assert_eq!(chinese.code, "validation_failed");
        assert_eq!(chinese.title, "校验未通过");
        assert!(chinese.detail.contains("name、kind"), "{}", chinese.detail);
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let problem = ApiError::Internal("secret table xyz".into()).problem();
        assert!(!problem.detail.contains("xyz"));
        let english = ApiError::Internal("secret table xyz".into()).problem_in(Lang::En);
        assert!(!english.detail.contains("xyz"));
        assert_eq!(problem.status, 500);
    }
}
