//! The office's report to the county committee (issue 16 item 6; plan §5(五)): read as JSON,
//! CSV or .xlsx, and its three texts written by the office.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, put, web};

use super::ReportRequest;
use super::json::{CommitteeReport, FormatQuery, PutCommitteeReport, ReportFile};
use crate::auth::Office;
use crate::clock::Clock;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden, NotAcceptable};
use crate::ops::report_committee::{self, NewTexts};
use crate::reports::{self, County};

/// 向县委报告考核情况 (The report to the county committee)
///
/// 仅县纪委。县党廉办报县委的考核情况报告：办公室撰写的总体评价、存在问题和意见建议三段文字
/// （未撰写时为 null），以及由系统填入的数据：考核单位数，全县和各类单位年度总分的平均分、最高分、
/// 最低分，各档次单位数，整改线（含）以下单位及其总分，总排名前三名和后三名（并列者一并列出），
/// 失分最多的三项考核内容（同 `GET …/reports/content-areas`），移交“公述民评”事项件数。各项数据
/// 与 `GET …/results` 一致。考核结果不完整（有单位缺少定稿评分表或日常考核得分）时不给出数据，
/// `missing` 逐个单位列出所缺内容。响应头 `ETag` 为三段文字的版本（未撰写时为 `"0"`），仅供修改时
/// `If-Match` 使用，不是缓存校验值：数据随考核结果变化而不改变版本，因此本接口不理会
/// `If-None-Match`，不返回 304，总是返回完整内容。以 JSON、CSV 或 Excel 提供：`format` 参数优先于
/// `Accept`。
///
/// Office only. The office's report to the county committee: the three texts it writes
/// (overall evaluation, problems, advice; null until written) and the figures the service fills
/// in: the assessed units, the average, highest and lowest total overall and by kind, the units
/// in each grade band, the units at or below the rectification line with their totals, the top
/// 3 and the bottom 3 of the ranking (ties included), the three content areas that lost most
/// points (as `GET …/reports/content-areas`) and the referrals to the 公述民评 group; each equals
/// `GET …/results`. Until every assessed unit has a total, the figures are null and `missing`
/// lists what each unit lacks. The answer's `ETag` header is the texts' version (`"0"` before
/// the first write), only for the `If-Match` of the PUT: it is no cache validator, since the
/// figures change with the results without changing it, so this read ignores `If-None-Match`,
/// never answers 304 and always answers in full (the contract therefore does not list the
/// header, which would promise a 304). JSON, CSV or .xlsx: `format` wins over `Accept`.
#[utoipa::path(
    tag = "reports",
    params(CyclePath, FormatQuery),
    responses(
        (
            status = 200,
            description = "考核情况报告 (the report)",
            content(
                (CommitteeReport = "application/json"),
                (ReportFile = "text/csv; charset=utf-8"),
                (ReportFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            headers(
                ("Content-Disposition" = String,
                    description = "The file name (`filename*`, UTF-8, in Chinese)"),
                ("Vary" = String, description = "Accept"),
            ),
        ),
        Forbidden,
        NotAcceptable,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/reports/committee")]
pub async fn get_committee_report(
    _office: Office,
    req: HttpRequest,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    county: web::Data<County>,
    path: web::Path<CyclePath>,
    query: web::Query<FormatQuery>,
) -> Result<HttpResponse, ApiError> {
    // The version is read in the report's own snapshot, then set on whichever format answers:
    // for the PUT's `If-Match` only (no 304: the figures change without it).
    let read = ReportRequest::new(req, pool, clock, county, path.cycle_id, query.into_inner());
    let format = match reports::format_of(&read.req, &read.query) {
        Ok(format) => format,
        Err(refused) => return Ok(refused.respond()),
    };
    let (id, now) = (read.cycle_id, read.clock.now());
    let report = db::run(&read.pool, move |conn| {
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(|conn| report_committee::read(conn, id, now))
    })
    .await?;
    let mut response = reports::respond(format, &report, || {
        CommitteeReport::document(&report, &read.county.0)
    })?;
    if let Ok(tag) = header::HeaderValue::from_str(&ETag::from_version(report.version).0) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    Ok(response)
}

/// 撰写向县委报告的文字 (Write the texts of the report to the county committee)
///
/// 仅县纪委；须带 `If-Match`（首次撰写为 `"0"`）。整体替换总体评价、存在问题和意见建议三段文字，
/// 每段 1 至 20000 字，按原样保存。在综合评定和结果通报阶段可写：不改变任何考核结果，因此结果
/// 通报后仍可修改。返回完整的报告和新的 `ETag`。
///
/// Office only; needs `If-Match` (`"0"` for the first write). Replaces the three texts whole,
/// each 1 to 20000 characters, kept exactly as sent. Written while the cycle is in review or
/// published: it changes no result, so publication does not freeze it. Answers the whole
/// report with the new `ETag`.
///
/// 409: 周期尚未进入综合评定 (`cycle_not_in_review`)，或已归档 (`cycle_archived`).
#[utoipa::path(
    tag = "reports",
    params(
        CyclePath,
        ("If-Match" = String, Header,
            description = "文字当前的 ETag (the texts' current ETag)", example = "\"0\""),
    ),
    request_body = PutCommitteeReport,
    responses(
        (status = 200, description = "已保存：考核情况报告 (saved: the report)",
            body = CommitteeReport,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/reports/committee")]
pub async fn put_committee_report(
    Office(user): Office,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    path: web::Path<CyclePath>,
    if_match: IfMatch,
    body: ValidJson<PutCommitteeReport>,
) -> Result<HttpResponse, ApiError> {
    let (id, now) = (path.cycle_id, clock.now());
    let body = body.0;
    let texts = NewTexts {
        overall_evaluation: body.overall_evaluation.unwrap_or_default(),
        problems: body.problems.unwrap_or_default(),
        advice: body.advice.unwrap_or_default(),
    };
    let saved = db::write(&pool, user.actor(), move |conn| {
        report_committee::put(conn, &user, id, texts, now, |version| {
            if_match.check(&ETag::from_version(version))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(saved.version).0))
        .json(saved))
}
