//! Builds the real application: the same code path for `serve` and for the tests, which start
//! it on port 0 against their own database.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderName};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::auth::JwtVerifier;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::PgPool;
use crate::error::ApiError;
use crate::http::guards::{no_store, refuse_unstorable_input};
use crate::http::idempotency::{REPLAYED, idempotency};
use crate::http::json::{BodyLimit, BodyReadTimeout};
use crate::http::language::language;
use crate::http::request_id::{REQUEST_ID_HEADER, trace_requests};
use crate::openapi::{self, ApiDoc, RouteTable};
use crate::ops::evaluation::BallotSettings;
use crate::routes::attachments::UploadLimit;
use crate::routes::audit::json::AuditKeys;

/// A failure to start, reported as one line.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    /// A JWT issuer's key could not be loaded.
    #[error(transparent)]
    Issuer(#[from] crate::auth::jwt::IssuerConfigError),
    /// The server could not start.
    #[error("cannot start the HTTP server: {0}")]
    Server(std::io::Error),
    /// The ballot codes' key is missing or too short.
    #[error("{0}")]
    BallotKey(String),
    /// The task push's webhook is misconfigured.
    #[error("{0}")]
    TaskPush(String),
    /// The contract could not be serialised.
    #[error("cannot serialise the contract: {0}")]
    Contract(String),
}

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds `settings.bind_addr` (port 0 picks a free port) and builds the server.
    pub fn build(settings: &Settings, pool: PgPool) -> Result<Self, StartupError> {
        Self::build_on(settings, pool, Clock::system())
    }

    /// Builds the server on a settable clock: the tests' hook (issue 17 §6).
    #[cfg(any(test, feature = "test-clock"))]
    pub fn build_with_clock(
        settings: &Settings,
        pool: PgPool,
        clock: Clock,
    ) -> Result<Self, StartupError> {
        Self::build_on(settings, pool, clock)
    }

    fn build_on(settings: &Settings, pool: PgPool, clock: Clock) -> Result<Self, StartupError> {
        let listener =
            TcpListener::bind(&settings.bind_addr).map_err(|source| StartupError::Bind {
                addr: settings.bind_addr.clone(),
                source,
            })?;
        let port = listener.local_addr().map_err(StartupError::Server)?.port();
        let verifier = web::Data::new(JwtVerifier::new(
            &settings.issuers(),
            &settings.jwt_audience,
            settings.jwt_leeway,
        )?);
        let ballots = web::Data::new(
            BallotSettings::from_settings(settings).map_err(StartupError::BallotKey)?,
        );
        let spec = openapi::spec();
        let routes = web::Data::new(RouteTable::from_spec(&spec));
        // The contract is served as the bytes serialised here, once: not a JSON tree kept per
        // worker and serialised again on every request (about 1 MB each).
        let contract = web::Data::new(Contract(web::Bytes::from(
            serde_json::to_vec(&spec).map_err(|e| StartupError::Contract(e.to_string()))?,
        )));
        drop(spec);
        let audit_keys =
            web::Data::new(AuditKeys(settings.audit_keys(Some(pool.signer().public()))));
        let pool = pool.with_clock(clock.clone());
        // The task push's background work lives as long as the server: it ends once the
        // server's factory, which holds `alive`, is dropped.
        let alive = Arc::new(());
        crate::webhook::start(
            pool.clone(),
            clock.clone(),
            &settings.task_push,
            Arc::downgrade(&alive),
        )
        .map_err(StartupError::TaskPush)?;
        let pool = web::Data::new(pool);
        let clock = web::Data::new(clock);
        let county = web::Data::new(crate::reports::County(settings.county_name.clone()));
        let body_limit = settings.body_limit;
        let upload_limit = settings.upload_limit;
        let body_read_timeout = settings.body_read_timeout;
        let origins = settings.cors_allowed_origins.clone();
        let extra_headers = settings.cors_extra_request_headers.clone();
        let server = HttpServer::new(move || {
            let _alive = &alive;
            App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .configure(crate::routes::configure)
                .into_app()
                .app_data(pool.clone())
                .app_data(clock.clone())
                .app_data(county.clone())
                .app_data(audit_keys.clone())
                .app_data(verifier.clone())
                .app_data(routes.clone())
                .app_data(ballots.clone())
                .app_data(BodyLimit(body_limit))
                .app_data(UploadLimit(upload_limit))
                .app_data(BodyReadTimeout(body_read_timeout))
                .app_data(
                    web::JsonConfig::default()
                        .limit(body_limit)
                        .error_handler(|e, _| json_error(e).into()),
                )
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    ApiError::BadRequest {
                        code: "invalid_query",
                        detail: format!("invalid query string: {e}"),
                    }
                    .into()
                }))
                .app_data(web::PathConfig::default().error_handler(|_, req| {
                    ApiError::not_found(format!("nothing at {}", req.path())).into()
                }))
                .service(
                    SwaggerUi::new("/swagger-ui/{_:.*}").config(
                        SwaggerConfig::new([CONTRACT_PATH])
                            // The token pasted into Authorize survives a reload of the page.
                            .persist_authorization(true)
                            .display_request_duration(true),
                    ),
                )
                .service(
                    web::resource(CONTRACT_PATH)
                        .app_data(contract.clone())
                        .get(serve_contract),
                )
                .service(web::resource("/swagger-ui").get(swagger_redirect))
                .default_service(web::to(fallback))
                .wrap(from_fn(idempotency))
                .wrap(from_fn(refuse_unstorable_input))
                .wrap(from_fn(no_store))
                .wrap(from_fn(language))
                .wrap(cors(&origins, &extra_headers))
                .wrap(from_fn(trace_requests))
        })
        .workers(settings.workers)
        // Every blocking job holds one of `DB_POOL_SIZE` permits (db.rs); the blocking threads
        // of all workers together are as many as the pool's connections (each worker's share
        // rounded up), not that many per worker: threads that would only wait for a permit cost
        // memory (an allocator arena each) and context switches.
        .worker_max_blocking_threads(blocking_threads(settings.pool_size, settings.workers))
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        .listen(listener)
        .map_err(StartupError::Server)?
        .run();
        Ok(Self { port, server })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT or SIGTERM, then finishes in-flight requests (graceful shutdown).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    /// The server, to run it in the background.
    pub fn into_server(self) -> Server {
        self.server
    }
}

/// CORS for the configured origins only, with the headers this API reads (plus the configured
/// extra request headers) and every response header a client reads.
fn cors(origins: &[String], extra_headers: &[HeaderName]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::PUT,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::ACCEPT_LANGUAGE,
            HeaderName::from_static("idempotency-key"),
            REQUEST_ID_HEADER,
        ])
        .allowed_headers(extra_headers.iter().cloned())
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            REQUEST_ID_HEADER,
            REPLAYED,
            header::CONTENT_DISPOSITION,
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Each worker's blocking threads: its share of the pool's connections, at least one.
fn blocking_threads(pool_size: u32, workers: usize) -> usize {
    (pool_size as usize).div_ceil(workers.max(1)).max(1)
}

/// Where the contract is served, and where Swagger UI reads it.
const CONTRACT_PATH: &str = "/api-docs/openapi.json";

/// The contract as served: its JSON, serialised once at start.
struct Contract(web::Bytes);

async fn serve_contract(contract: web::Data<Contract>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(contract.0.clone())
}

async fn swagger_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/swagger-ui/"))
        .finish()
}

/// Unknown paths answer 404; known paths with another method answer 405 with `Allow`.
async fn fallback(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    Err(match routes.allowed(req.path()) {
        Some(allow) => ApiError::MethodNotAllowed { allow },
        None => ApiError::NotFound(format!("no route matches {}", req.path())),
    })
}

fn json_error(error: actix_web::error::JsonPayloadError) -> ApiError {
    use actix_web::error::JsonPayloadError as E;
    match error {
        E::Overflow { limit } | E::OverflowKnownLength { limit, .. } => ApiError::PayloadTooLarge(
            format!("the body is larger than the limit of {limit} bytes"),
        ),
        E::ContentType => ApiError::UnsupportedMediaType(
            "the body must be sent as Content-Type: application/json".to_owned(),
        ),
        other => ApiError::BadRequest {
            code: "malformed_json",
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::blocking_threads;

    #[test]
    fn the_workers_blocking_threads_add_up_to_the_pools_connections() {
        assert_eq!(blocking_threads(10, 2), 5);
        assert_eq!(blocking_threads(10, 3), 4);
        assert_eq!(blocking_threads(10, 1), 10);
        assert_eq!(blocking_threads(1, 4), 1);
        assert_eq!(blocking_threads(10, 0), 10);
    }
}
