//! The handlers every member of the submitted family has, written once: read it, save its
//! draft, submit it, return it. `submitted_handlers!` expands them for one member, each a
//! `#[utoipa::path]` entry and an actix handler that calls the family's step in
//! `ops::submitted`; the member gives only its own words: its row, view and draft types, the
//! paths that name one of its documents (to read, and to write as a unit), its tag, and for
//! each operation its function name (the `operationId`), its URL, its summary and description
//! (doc comments) and, where they differ, the descriptions of its answers.
//!
//! ```ignore
//! submitted_handlers! {
//!     member SelfInspection, view SelfInspectionResponse, draft PutSelfInspection,
//!         path CycleUnitPath, draft_path CycleUnitDraftPath, tag "self-inspections";
//!     /// 查看单位自查 (A unit's self-inspection) …
//!     get get_self_inspection at "/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection"
//!         answers "自查报告 (the self-inspection)";
//!     /// …
//!     put put_self_inspection at "…/self-inspection"
//!         location "The self-inspection's URL";
//!     /// …
//!     submit submit_self_inspection at "…/self-inspection/submit";
//!     /// …
//!     send_back return_self_inspection at "…/self-inspection/return";
//! }
//! ```
//!
//! The URLs are whole literals because actix's route attributes take nothing else; a saved
//! draft's `Location` is the put's URL under `/api/v1` with the path's ids in place. The
//! expansion brings its own imports, so a member's `family.rs` holds the invocations alone; it
//! also defines `document_routes`, which the member's `routes` configures.
//!
//! Two steps only some members have follow, each after its keyword: `paper` (the office
//! records the stamped paper copy's arrival, for a `PaperCopy` member) and `versions` (a page
//! of the kept versions, for a member that lists them apart from its view; `holding` names the
//! type of what a version holds). `document_routes` registers them too.

use crate::http::params::{
    CycleUnitDraftPath, CycleUnitLeaderDraftPath, CycleUnitLeaderPath, CycleUnitPath,
};
use crate::models::LeaderId;
use crate::ops::submitted::DocumentAt;

/// A path that names one document of a member: where it is, and its URL with the ids in place.
pub trait DocumentPath: Copy {
    /// What names the document within the unit (the member's `SubmittedDocument::Key`).
    type Key: Copy;
    /// Where the document is.
    fn at(self) -> DocumentAt<Self::Key>;
    /// `url` (a route's pattern) with this path's ids in its placeholders.
    fn fill(self, url: &str) -> String {
        let at = self.at();
        url.replace("{cycle_id}", &at.cycle_id.to_string())
            .replace("{unit_id}", &at.unit_id.to_string())
    }
}

/// A unit's one document of its kind (the self-inspection).
macro_rules! unit_document_path {
    ($($path:ident),*) => {$(
        impl DocumentPath for $path {
            type Key = ();
            fn at(self) -> DocumentAt<()> {
                DocumentAt::new(self.cycle_id, self.unit_id, ())
            }
        }
    )*};
}

unit_document_path!(CycleUnitPath, CycleUnitDraftPath);

/// One of a unit's documents, named by its leader (an accountability report).
macro_rules! leader_document_path {
    ($($path:ident),*) => {$(
        impl DocumentPath for $path {
            type Key = LeaderId;
            fn at(self) -> DocumentAt<LeaderId> {
                DocumentAt::new(self.cycle_id, self.unit_id, self.leader_id)
            }
            fn fill(self, url: &str) -> String {
                let unit = DocumentAt::new(self.cycle_id, self.unit_id, ());
                let leader = self.leader_id.to_string();
                unit_path(unit).fill(url).replace("{leader_id}", &leader)
            }
        }
    )*};
}

leader_document_path!(CycleUnitLeaderPath, CycleUnitLeaderDraftPath);

/// The unit's path of `at`.
fn unit_path(at: DocumentAt<()>) -> CycleUnitPath {
    CycleUnitPath {
        cycle_id: at.cycle_id,
        unit_id: at.unit_id,
    }
}

/// Expands the family's handlers for one member; see the module's documentation.
macro_rules! submitted_handlers {
    (
        member $row:ident, view $view:ident, draft $draft:ident,
            path $path:ident, draft_path $draft_path:ident, tag $tag:tt;
        $(#[doc = $get_doc:tt])*
        get $get:ident at $get_url:tt answers $get_answer:tt;
        $(#[doc = $put_doc:tt])*
        put $put:ident at $put_url:tt location $put_location:tt;
        $(#[doc = $submit_doc:tt])*
        submit $submit:ident at $submit_url:tt;
        $(#[doc = $return_doc:tt])*
        send_back $return:ident at $return_url:tt;
        $(
            paper
            $(#[doc = $paper_doc:tt])*
            $paper:ident at $paper_url:tt;
        )?
        $(
            versions
            $(#[doc = $versions_doc:tt])*
            $versions:ident holding $content:ident at $versions_url:tt;
        )?
    ) => {
        use actix_web::{HttpRequest, HttpResponse, get, post, put, web};

        use crate::auth::{AuthUser, UnitUser};
        use crate::db::{self, PgPool};
        use crate::error::ApiError;
        use crate::http::conditional::respond_with_etag;
        use crate::http::json::clean;
        use crate::http::submitted_handlers::DocumentPath;
        use crate::http::{ETag, IfMatch, ValidJson};
        use crate::openapi::responses::{Conflict, Forbidden};
        use crate::ops::submitted::{self, ReturnDocument, SubmittedDocument};

        $(#[doc = $get_doc])*
        #[utoipa::path(
            tag = $tag,
            params($path),
            responses(
                (
                    status = 200,
                    description = $get_answer,
                    body = $view,
                    headers(("ETag" = String, description = "Its version in quotes")),
                ),
                // A member may withhold a unit's own document for a while (a rectification
                // before publication: 403 `not_published`).
                Forbidden,
            ),
            security(("bearer" = []))
        )]
        #[get($get_url)]
        pub async fn $get(
            req: HttpRequest,
            user: AuthUser,
            pool: web::Data<PgPool>,
            path: web::Path<$path>,
        ) -> Result<HttpResponse, ApiError> {
            let at = path.into_inner().at();
            let view = db::run(&pool, move |conn| {
                submitted::read::<$row>(conn, &user, at)
            })
            .await?;
            let etag = ETag::from_version(<$row as SubmittedDocument>::version_of(&view));
            Ok(respond_with_etag(&req, &etag, &view))
        }

        $(#[doc = $put_doc])*
        #[utoipa::path(
            tag = $tag,
            params(
                $draft_path,
                (
                    "If-Match" = Option<String>,
                    Header,
                    description = "当前 `ETag`，已创建后必填 (the current ETag; \
                        required once it exists)",
                ),
            ),
            request_body = $draft,
            responses(
                (
                    status = 200,
                    description = "已保存 (saved)",
                    body = $view,
                    headers(("ETag" = String, description = "Its new version in quotes")),
                ),
                (
                    status = 201,
                    description = "已创建 (started)",
                    body = $view,
                    headers(
                        ("Location" = String, description = $put_location),
                        ("ETag" = String, description = "Its version in quotes"),
                    ),
                ),
                Forbidden,
                Conflict,
            ),
            security(("bearer" = []))
        )]
        #[put($put_url)]
        pub async fn $put(
            req: HttpRequest,
            UnitUser(user): UnitUser,
            pool: web::Data<PgPool>,
            path: web::Path<$draft_path>,
            body: ValidJson<$draft>,
        ) -> Result<HttpResponse, ApiError> {
            let path = path.into_inner();
            let at = path.at();
            let if_match = IfMatch::optional(&req);
            let saved = db::write(&pool, user.actor(), move |conn| {
                submitted::save_draft::<$row>(conn, &user, at, if_match, &body.0)
            })
            .await?;
            let location = format!("/api/v1{}", path.fill($put_url));
            Ok(submitted::answer_saved::<$row>(&saved, location))
        }

        $(#[doc = $submit_doc])*
        #[utoipa::path(
            tag = $tag,
            params($draft_path),
            responses(
                (
                    status = 200,
                    description = "已提交 (submitted)",
                    body = $view,
                    headers(("ETag" = String, description = "Its new version in quotes")),
                ),
                Forbidden,
                Conflict,
            ),
            security(("bearer" = []))
        )]
        #[post($submit_url)]
        pub async fn $submit(
            UnitUser(user): UnitUser,
            pool: web::Data<PgPool>,
            clock: web::Data<crate::clock::Clock>,
            path: web::Path<$draft_path>,
            _body: ValidJson<crate::http::Empty>,
        ) -> Result<HttpResponse, ApiError> {
            let at = path.into_inner().at();
            let now = clock.now();
            let view = db::write(&pool, user.actor(), move |conn| {
                submitted::submit::<$row>(conn, &user, at, now)
            })
            .await?;
            let noun = <$row as SubmittedDocument>::NOUN;
            let (cycle_id, unit_id) = (at.cycle_id, at.unit_id);
            let late = <$row as SubmittedDocument>::late_of(&view);
            tracing::info!(%cycle_id, %unit_id, late, "{noun} submitted");
            Ok(submitted::answer::<$row>(&view))
        }

        $(#[doc = $return_doc])*
        #[utoipa::path(
            tag = $tag,
            params($path),
            request_body = ReturnDocument,
            responses(
                (
                    status = 200,
                    description = "已退回 (returned)",
                    body = $view,
                    headers(("ETag" = String, description = "Its new version in quotes")),
                ),
                Forbidden,
                Conflict,
            ),
            security(("bearer" = []))
        )]
        #[post($return_url)]
        pub async fn $return(
            user: AuthUser,
            pool: web::Data<PgPool>,
            path: web::Path<$path>,
            body: ValidJson<ReturnDocument>,
        ) -> Result<HttpResponse, ApiError> {
            let at = path.into_inner().at();
            let reason = body.0.reason.as_deref().map(clean).unwrap_or_default();
            let view = db::write(&pool, user.actor(), move |conn| {
                submitted::send_back::<$row>(conn, &user, at, &reason)
            })
            .await?;
            Ok(submitted::answer::<$row>(&view))
        }

        $(
            $(#[doc = $paper_doc])*
            #[utoipa::path(
                tag = $tag,
                params($path),
                request_body = crate::ops::submitted::PaperReceived,
                responses(
                    (
                        status = 200,
                        description = "已登记 (recorded)",
                        body = $view,
                        headers(("ETag" = String, description = "Its new version in quotes")),
                    ),
                    Forbidden,
                ),
                security(("bearer" = []))
            )]
            #[post($paper_url)]
            pub async fn $paper(
                user: AuthUser,
                pool: web::Data<PgPool>,
                path: web::Path<$path>,
                body: ValidJson<crate::ops::submitted::PaperReceived>,
            ) -> Result<HttpResponse, ApiError> {
                let at = path.into_inner().at();
                let received_at = body.0.received_at.unwrap_or_else(chrono::Utc::now);
                let view = db::write(&pool, user.actor(), move |conn| {
                    submitted::record_paper::<$row>(conn, &user, at, received_at)
                })
                .await?;
                Ok(submitted::answer::<$row>(&view))
            }
        )?

        $(
            $(#[doc = $versions_doc])*
            #[utoipa::path(
                tag = $tag,
                params($path, crate::http::PageQuery),
                responses((
                    status = 200,
                    description = "一页版本 (one page of versions)",
                    body = crate::http::Page<crate::ops::submitted::VersionResponse<$content>>,
                )),
                security(("bearer" = []))
            )]
            #[get($versions_url)]
            pub async fn $versions(
                user: AuthUser,
                pool: web::Data<PgPool>,
                path: web::Path<$path>,
                paging: crate::http::Paging,
            ) -> Result<
                web::Json<crate::http::Page<crate::ops::submitted::VersionResponse<$content>>>,
                ApiError,
            > {
                let at = path.into_inner().at();
                let versions = db::run(&pool, move |conn| {
                    submitted::versions_page::<$row>(conn, &user, at, paging)
                })
                .await?;
                Ok(web::Json(versions))
            }
        )?

        /// Registers the family's steps on one document: read, save the draft, submit, return,
        /// and the paper copy and the versions where the member has them.
        pub fn document_routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
            cfg.service($get)
                .service($put)
                .service($submit)
                .service($return)
                $(.service($paper))?
                $(.service($versions))?;
        }
    };
}

pub(crate) use submitted_handlers;
