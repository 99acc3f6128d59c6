//! The handlers every member of the signed family has, written once: read it, read one of its
//! signatures, submit it for signature, sign it, reopen it. `signed_handlers!` expands them for
//! one member, each a `#[utoipa::path]` entry and an actix handler that calls the family's step
//! in `ops::signed`; the member gives only its own words: its row and view types, its tag, and
//! for each operation its function name (the `operationId`), its URL, its summary and
//! description (doc comments) and the descriptions of its answers. Operations only one member
//! has stay in its own files.
//!
//! ```ignore
//! signed_handlers! {
//!     member ScoringRecord, view RecordResponse, tag "scoring";
//!     /// 查看考核评分表 (A unit's score sheet) …
//!     get get_scoring_record
//!         at "/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record"
//!         answers "考核评分表 (The score sheet)", etag "整张评分表的标签 (the whole sheet's tag)";
//!     /// …
//!     get_signature get_scoring_record_signature
//!         at "…/scoring-record/signatures/{signature_id}"
//!         answers "评分表的签名 (A signature of the sheet)";
//!     /// …
//!     submit submit_scoring_record at "…/scoring-record/submit";
//!     /// …
//!     sign sign_scoring_record at "…/scoring-record/signatures"
//!         answers "已签署：评分表现状 (Signed: the sheet now)",
//!         location "评分表新签名的 URL (URL of the sheet's new signature)";
//!     /// …
//!     reopen reopen_scoring_record at "…/scoring-record/reopen";
//! }
//! ```
//!
//! The URLs are whole literals because actix's route attributes take nothing else. The expansion
//! brings its own imports, so a member's `family.rs` holds the invocation alone; it also defines
//! `signing_routes`, which the member's `routes` configures after its read and its own edits.
//!
//! The writers' steps (submit, sign, edits) take `Inspector` unless the member names its writers
//! (`member RoutineVisit, view …, tag "routine", writers Office;`).
//!
//! `signed_edit!` writes the other shape the family repeats, an edit under `If-Match` (a sheet's
//! item or methods, a report's text): the member gives its words and a plain function that
//! makes the change.

/// Expands the family's handlers for one member; see the module's documentation.
macro_rules! signed_handlers {
    (
        member $row:ident, view $view:ident, tag $tag:tt, writers $writer:ident;
        $(#[doc = $get_doc:tt])*
        get $get:ident at $get_url:tt answers $get_answer:tt $(, etag $get_etag:tt)?;
        $(#[doc = $sig_doc:tt])*
        get_signature $sig:ident at $sig_url:tt answers $sig_answer:tt;
        $(#[doc = $submit_doc:tt])*
        submit $submit:ident at $submit_url:tt;
        $(#[doc = $sign_doc:tt])*
        sign $sign:ident at $sign_url:tt answers $sign_answer:tt, location $sign_location:tt;
        $(#[doc = $reopen_doc:tt])*
        reopen $reopen:ident at $reopen_url:tt;
    ) => {
        use actix_web::{HttpRequest, HttpResponse, get, post, web};

        use crate::auth::AuthUser;
        use crate::db::{self, PgPool};
        use crate::error::ApiError;
        use crate::http::conditional::respond_with_etag;
        use crate::http::{ETag, ValidJson};
        use crate::openapi::responses::{Conflict, Forbidden};
        use crate::ops::signed::{self, Empty, Reopen, SignatureRecord};
        use crate::http::params::{CycleUnitPath, CycleUnitSignaturePath};

        $(#[doc = $get_doc])*
        #[utoipa::path(
            tag = $tag,
            params(CycleUnitPath),
            responses(
                (status = 200, description = $get_answer, body = $view,
                    headers(("ETag" = String $(, description = $get_etag)?))),
                // 403 `not_published`: the unit's own, before publication.
                Forbidden,
            ),
            security(("bearer" = []))
        )]
        #[get($get_url)]
        pub async fn $get(
            req: HttpRequest,
            user: AuthUser,
            pool: web::Data<PgPool>,
            path: web::Path<CycleUnitPath>,
        ) -> Result<HttpResponse, ApiError> {
            let at = (path.cycle_id, path.unit_id);
            let doc = db::run(&pool, move |conn| {
                signed::get::<$row>(conn, &user, at)
            })
            .await?;
            // Signatures and, for a sheet, self-scores and the form feed the document besides
            // its own version, so its tag is a hash of the whole body: it changes exactly when
            // anything shown changes.
            let etag = ETag::of_body(&doc);
            Ok(respond_with_etag(&req, &etag, &doc))
        }

        $(#[doc = $sig_doc])*
        #[utoipa::path(
            tag = $tag,
            params(CycleUnitSignaturePath),
            responses(
                (status = 200, description = $sig_answer,
                    body = SignatureRecord, headers(("ETag" = String))),
                Forbidden,
            ),
            security(("bearer" = []))
        )]
        #[get($sig_url)]
        pub async fn $sig(
            req: HttpRequest,
            user: AuthUser,
            pool: web::Data<PgPool>,
            path: web::Path<CycleUnitSignaturePath>,
        ) -> Result<HttpResponse, ApiError> {
            let (at, id) = ((path.cycle_id, path.unit_id), path.signature_id);
            let signature = db::run(&pool, move |conn| {
                signed::get_signature::<$row>(conn, &user, at, id)
            })
            .await?;
            // A signature changes only when voided: its tag is a hash of its body.
            let etag = ETag::of_body(&signature);
            Ok(respond_with_etag(&req, &etag, &signature))
        }

        $(#[doc = $submit_doc])*
        #[utoipa::path(
            tag = $tag,
            params(CycleUnitPath),
            request_body = Empty,
            responses(
                (status = 200, description = "待签 (Awaiting signatures)", body = $view),
                Forbidden,
                Conflict,
            ),
            security(("bearer" = []))
        )]
        #[post($submit_url)]
        pub async fn $submit(
            writer: crate::auth::$writer,
            pool: web::Data<PgPool>,
            clock: web::Data<crate::clock::Clock>,
            path: web::Path<CycleUnitPath>,
            _body: ValidJson<Empty>,
        ) -> Result<HttpResponse, ApiError> {
            let (user, at) = (writer.0, (path.cycle_id, path.unit_id));
            let now = clock.now();
            let doc = db::write(&pool, user.actor(), move |conn| {
                signed::submit::<$row>(conn, &user, at, now)
            })
            .await?;
            Ok(HttpResponse::Ok().json(doc))
        }

        $(#[doc = $sign_doc])*
        #[utoipa::path(
            tag = $tag,
            params(CycleUnitPath),
            request_body = Empty,
            responses(
                (status = 201, description = $sign_answer, body = $view,
                    headers(
                        ("Location" = String, description = $sign_location),
                        ("ETag" = String, description = "新签名的标签 (the signature's tag)"),
                    )),
                Forbidden,
                Conflict,
            ),
            security(("bearer" = []))
        )]
        #[post($sign_url)]
        pub async fn $sign(
            writer: crate::auth::$writer,
            pool: web::Data<PgPool>,
            path: web::Path<CycleUnitPath>,
            _body: ValidJson<Empty>,
        ) -> Result<HttpResponse, ApiError> {
            let (user, at) = (writer.0, (path.cycle_id, path.unit_id));
            let created = db::write(&pool, user.actor(), move |conn| {
                signed::sign::<$row>(conn, &user, at)
            })
            .await?;
            Ok(created.respond())
        }

        $(#[doc = $reopen_doc])*
        #[utoipa::path(
            tag = $tag,
            params(CycleUnitPath),
            request_body = Reopen,
            responses(
                (status = 200, description = "已重开 (Reopened)", body = $view),
                Forbidden,
                Conflict,
            ),
            security(("bearer" = []))
        )]
        #[post($reopen_url)]
        pub async fn $reopen(
            user: AuthUser,
            pool: web::Data<PgPool>,
            path: web::Path<CycleUnitPath>,
            body: ValidJson<Reopen>,
        ) -> Result<HttpResponse, ApiError> {
            let at = (path.cycle_id, path.unit_id);
            let doc = db::write(&pool, user.actor(), move |conn| {
                signed::reopen::<$row>(conn, &user, at, &body.0)
            })
            .await?;
            Ok(HttpResponse::Ok().json(doc))
        }

        /// Registers the signing steps: submit, sign, read a signature, reopen, in this order
        /// (the member registers its read first and its own edits between).
        pub fn signing_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
            cfg.service($submit)
                .service($sign)
                .service($sig)
                .service($reopen);
        }
    };
    // A team's document: its writers are inspectors.
    (member $row:ident, view $view:ident, tag $tag:tt; $($rest:tt)*) => {
        signed_handlers! { member $row, view $view, tag $tag, writers Inspector; $($rest)* }
    };
}

/// Expands one edit of a member under `If-Match` (a sheet's item or methods, a report's text):
/// its `#[utoipa::path]` entry and a handler for the team (`Inspector`) that runs `$edit`, a
/// plain function of the member, inside `db::write_in` (the path's unit in its cycle: the
/// family's documents are one unit's) and answers its `Saved` (200 with the new
/// `ETag`). The member gives its words and its edit:
///
/// ```ignore
/// signed_edit! {
///     /// 撰写考核报告 (Write the team's assessment report) …
///     put_team_report(CycleUnitPath, PutTeamReport) -> TeamReportResponse by write, tag "scoring",
///         at "/assessment-cycles/{cycle_id}/units/{unit_id}/team-report",
///         if_match "报告的 GET 所发的 ETag (the ETag the report's GET sent)",
///         answers "已保存 (Saved)", etag "报告的新标签 (the report's new tag)";
/// }
/// ```
macro_rules! signed_edit {
    (
        $(#[doc = $doc:tt])*
        $name:ident($path:ident, $body:ident) -> $view:ident by $edit:ident
            , writers $writer:ident, tag $tag:tt,
            at $url:tt,
            if_match $if_match:tt $(, example $example:tt)?,
            answers $answer:tt, etag $etag:tt;
    ) => {
        use actix_web::put;

        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params(
                $path,
                ("If-Match" = String, Header, description = $if_match $(, example = $example)?),
            ),
            request_body = $body,
            responses(
                (status = 200, description = $answer, body = $view,
                    headers(("ETag" = String, description = $etag))),
                crate::openapi::responses::Forbidden,
                crate::openapi::responses::Conflict,
            ),
            security(("bearer" = []))
        )]
        #[put($url)]
        pub async fn $name(
            writer: crate::auth::$writer,
            pool: actix_web::web::Data<crate::db::PgPool>,
            path: actix_web::web::Path<$path>,
            if_match: crate::http::IfMatch,
            body: crate::http::ValidJson<$body>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let (user, path, body) = (writer.0, path.into_inner(), body.0);
            // The family's documents are one unit's in one cycle: an edit changes that unit's
            // tasks and the cycle's transition, nothing else.
            let scope = crate::db::Scope::Unit {
                cycle_id: path.cycle_id.0,
                unit_id: path.unit_id.0,
            };
            let saved = crate::db::write_in(&pool, user.actor(), scope, move |conn| {
                $edit(conn, &user, path, &if_match, body)
            })
            .await?;
            Ok(saved.respond())
        }
    };
    // A team's document: its writers are inspectors.
    (
        $(#[doc = $doc:tt])*
        $name:ident($path:ident, $body:ident) -> $view:ident by $edit:ident, tag $tag:tt,
            $($rest:tt)*
    ) => {
        signed_edit! {
            $(#[doc = $doc])*
            $name($path, $body) -> $view by $edit, writers Inspector, tag $tag, $($rest)*
        }
    };
}

pub(crate) use {signed_edit, signed_handlers};
