//! Settings, read from environment variables (documented in the README's table).
//!
//! Secrets are wrapped in [`Secret`] so that `{:?}` of the settings never prints them.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use actix_web::http::header::HeaderName;
use jsonwebtoken::Algorithm;
use serde::Deserialize;

use crate::audit::keys::{self, KeyError, PublicKey, SigningKey};

/// A value that must never be printed or logged.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The development secret used when `JWT_SECRET` is not set in development mode. It is public,
/// so outside development mode `serve` refuses it.
pub const DEV_JWT_SECRET: &str = "lianzheng-development-secret-do-not-use-in-production";

/// The shortest `JWT_SECRET` accepted outside development mode (HS256 wants 256 bits).
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// One trusted token issuer: the OA portal (RS256/ES256 with a public key) or the CLI (HS256).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerSettings {
    /// The `iss` claim this entry accepts.
    pub issuer: String,
    /// The one algorithm this issuer signs with; any other `alg` is rejected.
    pub algorithm: Algorithm,
    /// Optional key id; when set, a token's `kid` header must equal it.
    #[serde(default)]
    pub kid: Option<String>,
    /// PEM public key (RS*, PS*, ES*, EdDSA), inline.
    #[serde(default)]
    pub public_key_pem: Option<String>,
    /// Path of a PEM public key file.
    #[serde(default)]
    pub public_key_file: Option<String>,
    /// Shared secret (HS*), never printed.
    #[serde(default, skip_serializing)]
    pub secret: Option<SecretString>,
}

/// A deserialisable secret string.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct SecretString(pub String);

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Everything the service reads from its environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`: the service's runtime connection (the non-owner role).
    pub database_url: Secret,
    /// `BIND_ADDR`.
    pub bind_addr: String,
    /// `DB_POOL_SIZE`.
    pub pool_size: u32,
    /// `DB_POOL_TIMEOUT`: how long a request waits for a connection before answering 503.
    pub pool_timeout: Duration,
    /// `DB_STATEMENT_TIMEOUT`: the longest one SQL statement may run.
    pub statement_timeout: Duration,
    /// `JWT_AUDIENCE`: the `aud` every token must carry.
    pub jwt_audience: String,
    /// `JWT_ISSUER`: the `iss` of tokens the CLI mints.
    pub jwt_issuer: String,
    /// `JWT_SECRET`: the HS256 secret of the CLI issuer.
    pub jwt_secret: Secret,
    /// `JWT_LEEWAY`: clock skew tolerated on `exp` and `nbf`.
    pub jwt_leeway: Duration,
    /// `JWT_ISSUERS`: further issuers (the OA portal), as a JSON array.
    pub extra_issuers: Vec<IssuerSettings>,
    /// `CORS_ALLOWED_ORIGINS`: comma-separated origins allowed to call from a browser.
    pub cors_allowed_origins: Vec<String>,
    /// `CORS_EXTRA_REQUEST_HEADERS`: comma-separated request headers a browser may send besides
    /// the ones the API reads (a portal's trace header, for example).
    pub cors_extra_request_headers: Vec<HeaderName>,
    /// `BODY_LIMIT`: the largest JSON body accepted, in bytes.
    pub body_limit: usize,
    /// `UPLOAD_LIMIT`: the largest attachment, in bytes.
    pub upload_limit: usize,
    /// `BODY_READ_TIMEOUT`: the longest a client may take to send a request body (400 after).
    pub body_read_timeout: Duration,
    /// `WORKERS`: HTTP worker threads.
    pub workers: usize,
    /// `SHUTDOWN_TIMEOUT`: how long graceful shutdown waits for in-flight requests.
    pub shutdown_timeout: Duration,
    /// `LOG_FORMAT`: `json` (default) or `pretty`.
    pub log_format: LogFormat,
    /// `LIANZHENG_DEV=1` or `APP_ENV=development`: allows the public development JWT secret and
    /// an ephemeral audit key. Never in production.
    pub dev_mode: bool,
    /// `AUDIT_SIGNING_KEY` (PKCS#8, PEM or base64 DER), or the content of
    /// `AUDIT_SIGNING_KEY_FILE`: signs every audit record. Kept outside the database.
    pub audit_signing_key: Option<Secret>,
    /// `AUDIT_ALGORITHM`: `ed25519` (default) or `sm2`.
    pub audit_algorithm: keys::Algorithm,
    /// `AUDIT_KEY_ID`: the id records name (default: derived from the public key).
    pub audit_key_id: Option<String>,
    /// `AUDIT_VERIFY_KEYS`: retired public keys, as published by `GET /api/v1/audit/keys`.
    pub audit_verify_keys: Vec<PublicKey>,
    /// `BALLOT_CODE_KEY`: the HMAC key of the ballot codes' stored hashes (at least 32
    /// bytes). Kept outside the database, so that short codes cannot be brute-forced from a copy.
    pub ballot_code_key: Option<Secret>,
    /// `BALLOT_PAGE_URL`: the mobile front end's ballot page; a slip's QR code opens it with the
    /// code in the fragment (`#c=…`).
    pub ballot_page_url: String,
    /// `COUNTY_NAME`: the county's name, in the reports' titles and file names (issue 16).
    pub county_name: String,
    /// `TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges of the proxies whose
    /// `X-Forwarded-For` is believed (the OA portal's).
    pub trusted_proxies: Vec<TrustedProxy>,
    /// `BALLOT_FAILURE_LIMIT`: failed ballot codes a client address may send per window before
    /// it gets 429.
    pub ballot_failure_limit: u32,
    /// `BALLOT_FAILURE_WINDOW`: the window of that limit.
    pub ballot_failure_window: Duration,
    /// The push of tasks to the OA portal (issue 17 §4).
    pub task_push: TaskPushSettings,
}

/// The push of tasks to the OA portal's to-do centre: the overdue job and the webhook.
#[derive(Debug, Clone)]
pub struct TaskPushSettings {
    /// `TASK_WEBHOOK_URL`: where events are posted (`http://` only: this build has no TLS;
    /// put a TLS proxy in front of an `https` receiver). Unset: nothing is delivered, and the
    /// events wait in the outbox.
    pub webhook_url: Option<String>,
    /// `TASK_WEBHOOK_SECRET`: the HMAC-SHA256 key of the signature header (at least 32 bytes).
    pub webhook_secret: Option<Secret>,
    /// `TASK_WEBHOOK_TIMEOUT`: the longest one delivery may take (connect and answer).
    pub webhook_timeout: Duration,
    /// `TASK_WEBHOOK_POLL`: how often the worker looks for events when it found none.
    pub webhook_poll: Duration,
    /// `TASK_WEBHOOK_BACKOFF`: the wait after a first failure, doubled after each next one...
    pub webhook_backoff: Duration,
    /// `TASK_WEBHOOK_BACKOFF_MAX`: ...up to this.
    pub webhook_backoff_max: Duration,
    /// `TASK_JOB_INTERVAL`: how often the overdue job runs (one instance at a time).
    pub job_interval: Duration,
    /// `PUBLIC_BASE_URL`: the service's public address, put before a task's path in the
    /// event's `link` (empty: the path alone).
    pub public_base_url: String,
}

/// The shortest `TASK_WEBHOOK_SECRET` accepted.
pub const MIN_WEBHOOK_SECRET_BYTES: usize = 32;

impl TaskPushSettings {
    /// Reads the settings from the environment.
    fn from_env() -> Result<Self, ConfigError> {
        let positive = |v: &str| {
            duration(v).and_then(|d| {
                if d.is_zero() {
                    Err("must be longer than 0".to_owned())
                } else {
                    Ok(d)
                }
            })
        };
        Ok(Self {
            webhook_url: var("TASK_WEBHOOK_URL").map(|v| v.trim().to_owned()),
            webhook_secret: var("TASK_WEBHOOK_SECRET").map(|v| Secret::new(v.trim())),
            webhook_timeout: parse_var("TASK_WEBHOOK_TIMEOUT", Duration::from_secs(10), positive)?,
            webhook_poll: parse_var("TASK_WEBHOOK_POLL", Duration::from_secs(2), positive)?,
            webhook_backoff: parse_var("TASK_WEBHOOK_BACKOFF", Duration::from_secs(10), positive)?,
            webhook_backoff_max: parse_var(
                "TASK_WEBHOOK_BACKOFF_MAX",
                Duration::from_secs(3600),
                positive,
            )?,
            job_interval: parse_var("TASK_JOB_INTERVAL", Duration::from_secs(60), positive)?,
            public_base_url: var("PUBLIC_BASE_URL")
                .map(|v| v.trim().trim_end_matches('/').to_owned())
                .unwrap_or_default(),
        })
    }

    /// The webhook to deliver to, `None` when none is configured; `Err` (one line for the
    /// operator) for a URL that is not `http://`, or a missing or short secret.
    pub fn webhook(&self) -> Result<Option<(String, Secret)>, String> {
        let Some(url) = &self.webhook_url else {
            return Ok(None);
        };
        if !url.starts_with("http://") {
            return Err(format!(
                "TASK_WEBHOOK_URL must be an http:// URL (this build speaks no TLS; put a TLS \
                 proxy in front of an https receiver), not {}",
                crate::db::redact_url(url)
            ));
        }
        match &self.webhook_secret {
            Some(secret) if secret.expose().len() >= MIN_WEBHOOK_SECRET_BYTES => {
                Ok(Some((url.clone(), secret.clone())))
            }
            _ => Err(format!(
                "TASK_WEBHOOK_URL is set: TASK_WEBHOOK_SECRET must be at least \
                 {MIN_WEBHOOK_SECRET_BYTES} bytes"
            )),
        }
    }
}

/// The shortest `BALLOT_CODE_KEY` accepted.
pub const MIN_BALLOT_CODE_KEY_BYTES: usize = 32;

/// A trusted proxy: one address, or a range in CIDR notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    /// Reads `10.0.0.1`, `10.0.0.0/8`, `::1` or `fd00::/8`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (addr, prefix) = match raw.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (raw, None),
        };
        let network: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("{raw} is not an address or a CIDR range"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => match p.trim().parse::<u8>() {
                Ok(p) if p <= max => p,
                _ => return Err(format!("{raw} has an invalid prefix length")),
            },
        };
        Ok(Self { network, prefix })
    }

    /// Whether `addr` is this proxy or in its range.
    pub fn contains(&self, addr: IpAddr) -> bool {
        let bits = |a: IpAddr| -> u128 {
            match a {
                IpAddr::V4(v4) => u128::from(u32::from(v4)) << 96,
                IpAddr::V6(v6) => u128::from(v6),
            }
        };
        let addr = match addr {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
            v4 => v4,
        };
        if addr.is_ipv4() != self.network.is_ipv4() {
            return false;
        }
        if self.prefix == 0 {
            return true;
        }
        let mask = u128::MAX << (128 - u32::from(self.prefix));
        bits(addr) & mask == bits(self.network) & mask
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object a line, for log collectors.
    Json,
    /// Human-readable lines, for a terminal.
    Pretty,
}

/// A setting that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {name}: {reason}")]
pub struct ConfigError {
    name: &'static str,
    reason: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_var<T>(
    name: &'static str,
    default: T,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(raw) => parse(raw.trim()).map_err(|reason| ConfigError { name, reason }),
    }
}

fn duration(raw: &str) -> Result<Duration, String> {
    humantime::parse_duration(raw).map_err(|e| format!("{e} (use for example 3s, 500ms, 8h)"))
}

/// A comma-separated list of header names, each a valid token (RFC 9110 §5.1); `*` is refused,
/// since a preflight with credentials takes it literally and the list is meant to name headers.
fn header_names(raw: &str) -> Result<Vec<HeaderName>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| {
            if name == "*" {
                return Err("name each header: `*` is not supported".to_owned());
            }
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("{name:?} is not a valid header name"))
        })
        .collect()
}

/// Default database of a local set-up (see `scripts/pg-ensure.sh`).
pub const DEFAULT_DATABASE_URL: &str = "postgres://lianzheng_app@127.0.0.1:5432/lianzheng";
/// Default owner connection of a local set-up, read only by `lianzheng migrate`
/// (`MIGRATION_DATABASE_URL` is deliberately not a setting of the service).
pub const DEFAULT_MIGRATION_DATABASE_URL: &str =
    "postgres://lianzheng_owner@127.0.0.1:5432/lianzheng";

impl Settings {
    /// Reads the settings from the environment, with defaults that work locally.
    pub fn from_env() -> Result<Self, ConfigError> {
        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let dev_mode = var("LIANZHENG_DEV").is_some_and(|v| matches!(v.trim(), "1" | "true"))
            || var("APP_ENV").is_some_and(|v| v.trim() == "development");
        let audit_signing_key = match (var("AUDIT_SIGNING_KEY"), var("AUDIT_SIGNING_KEY_FILE")) {
            (Some(key), _) => Some(Secret::new(key)),
            (None, Some(path)) => Some(Secret::new(std::fs::read_to_string(&path).map_err(
                |e| ConfigError {
                    name: "AUDIT_SIGNING_KEY_FILE",
                    reason: format!("cannot read {path}: {e}"),
                },
            )?)),
            (None, None) => None,
        };
        let jwt_secret = match var("JWT_SECRET") {
            Some(secret) => secret,
            None if dev_mode => DEV_JWT_SECRET.to_owned(),
            None => String::new(),
        };
        let cpus = std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(2);
        Ok(Self {
            database_url: Secret::new(database_url),
            bind_addr: var("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            pool_size: parse_var("DB_POOL_SIZE", 10, |v| match v.parse::<u32>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err("must be a positive integer".to_owned()),
            })?,
            pool_timeout: parse_var("DB_POOL_TIMEOUT", Duration::from_secs(3), duration)?,
            statement_timeout: parse_var(
                "DB_STATEMENT_TIMEOUT",
                Duration::from_secs(10),
                duration,
            )?,
            jwt_audience: var("JWT_AUDIENCE").unwrap_or_else(|| "lianzheng".to_owned()),
            jwt_issuer: var("JWT_ISSUER").unwrap_or_else(|| "lianzheng-cli".to_owned()),
            jwt_secret: Secret::new(jwt_secret),
            jwt_leeway: parse_var("JWT_LEEWAY", Duration::from_secs(30), duration)?,
            extra_issuers: parse_var("JWT_ISSUERS", Vec::new(), |v| {
                serde_json::from_str::<Vec<IssuerSettings>>(v)
                    .map_err(|e| format!("not a JSON array of issuers: {e}"))
            })?,
            cors_allowed_origins: var("CORS_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().trim_end_matches('/').to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            cors_extra_request_headers: parse_var(
                "CORS_EXTRA_REQUEST_HEADERS",
                Vec::new(),
                header_names,
            )?,
            body_limit: parse_var("BODY_LIMIT", 1024 * 1024, |v| {
                v.parse::<usize>()
                    .map_err(|_| "must be a number of bytes".to_owned())
            })?,
            upload_limit: parse_var("UPLOAD_LIMIT", 20 * 1024 * 1024, |v| {
                v.parse::<usize>()
                    .map_err(|_| "must be a number of bytes".to_owned())
            })?,
            body_read_timeout: parse_var("BODY_READ_TIMEOUT", Duration::from_secs(30), |v| {
                duration(v).and_then(|d| {
                    if d.is_zero() {
                        Err("must be longer than 0".to_owned())
                    } else {
                        Ok(d)
                    }
                })
            })?,
            workers: parse_var("WORKERS", cpus, |v| match v.parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err("must be a positive integer".to_owned()),
            })?,
            shutdown_timeout: parse_var("SHUTDOWN_TIMEOUT", Duration::from_secs(30), duration)?,
            log_format: parse_var("LOG_FORMAT", LogFormat::Json, |v| match v {
                "json" => Ok(LogFormat::Json),
                "pretty" => Ok(LogFormat::Pretty),
                _ => Err("must be json or pretty".to_owned()),
            })?,
            dev_mode,
            audit_signing_key,
            audit_algorithm: parse_var("AUDIT_ALGORITHM", keys::Algorithm::Ed25519, |v| {
                keys::Algorithm::parse(v).map_err(|e| e.0)
            })?,
            audit_key_id: var("AUDIT_KEY_ID").map(|v| v.trim().to_owned()),
            audit_verify_keys: parse_var("AUDIT_VERIFY_KEYS", Vec::new(), |v| {
                keys::KeySet::parse(v)
                    .map(|set| set.keys().cloned().collect())
                    .map_err(|e| e.0)
            })?,
            ballot_code_key: var("BALLOT_CODE_KEY").map(|v| Secret::new(v.trim())),
            ballot_page_url: var("BALLOT_PAGE_URL")
                .map(|v| v.trim().to_owned())
                .unwrap_or_else(|| "http://127.0.0.1:5173/ballot".to_owned()),
            county_name: var("COUNTY_NAME")
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "阳山县".to_owned()),
            trusted_proxies: parse_var("TRUSTED_PROXIES", Vec::new(), |v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(TrustedProxy::parse)
                    .collect()
            })?,
            ballot_failure_limit: parse_var("BALLOT_FAILURE_LIMIT", 10, |v| {
                match v.parse::<u32>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err("must be a positive integer".to_owned()),
                }
            })?,
            ballot_failure_window: parse_var(
                "BALLOT_FAILURE_WINDOW",
                Duration::from_secs(15 * 60),
                |v| {
                    duration(v).and_then(|d| {
                        if d.as_secs() == 0 {
                            Err("must be at least 1s".to_owned())
                        } else {
                            Ok(d)
                        }
                    })
                },
            )?,
            task_push: TaskPushSettings::from_env()?,
        })
    }

    /// Refuses a missing, short or public JWT secret outside development mode; `Err` is one
    /// line for the operator.
    pub fn check_jwt_secret(&self) -> Result<(), String> {
        let secret = self.jwt_secret.expose();
        if self.dev_mode {
            if secret == DEV_JWT_SECRET {
                tracing::warn!("development mode: using the public development JWT secret");
            }
            return Ok(());
        }
        let hint = "set a random secret of at least 32 bytes (scripts/run.sh generates one), \
                    or LIANZHENG_DEV=1 for development";
        if secret.is_empty() {
            return Err(format!("JWT_SECRET is not set: {hint}"));
        }
        if secret == DEV_JWT_SECRET {
            return Err(format!(
                "JWT_SECRET is the public development secret: {hint}"
            ));
        }
        if secret.len() < MIN_JWT_SECRET_BYTES {
            return Err(format!("JWT_SECRET is only {} bytes: {hint}", secret.len()));
        }
        Ok(())
    }

    /// The audit signing key. Outside development mode it must be configured; in development
    /// mode a missing key is replaced by an ephemeral one (its records will not verify after a
    /// restart), with a warning.
    pub fn audit_signer(&self) -> Result<SigningKey, String> {
        match &self.audit_signing_key {
            Some(key) => SigningKey::from_pkcs8(
                key.expose(),
                self.audit_algorithm,
                self.audit_key_id.as_deref(),
            )
            .map_err(|KeyError(e)| format!("AUDIT_SIGNING_KEY: {e}")),
            None if self.dev_mode => {
                let (key, _) = SigningKey::generate(self.audit_algorithm).map_err(|e| e.0)?;
                tracing::warn!(
                    key_id = key.key_id(),
                    "development mode: AUDIT_SIGNING_KEY is not set; signing the audit trail \
                     with an ephemeral key that is lost on restart"
                );
                Ok(key)
            }
            None => Err(
                "AUDIT_SIGNING_KEY (or AUDIT_SIGNING_KEY_FILE) is not set: generate one \
                 with `lianzheng audit keygen`, or LIANZHENG_DEV=1 for development"
                    .to_owned(),
            ),
        }
    }

    /// The key of the ballot codes' hashes. Outside development mode it must be configured and
    /// at least 32 bytes long; in development mode a missing key is replaced by an ephemeral one
    /// (codes issued before a restart no longer vote), with a warning.
    pub fn ballot_code_key(&self) -> Result<Secret, String> {
        match &self.ballot_code_key {
            Some(key) if key.expose().len() >= MIN_BALLOT_CODE_KEY_BYTES => Ok(key.clone()),
            Some(key) => Err(format!(
                "BALLOT_CODE_KEY is only {} bytes; it must be at least {MIN_BALLOT_CODE_KEY_BYTES}",
                key.expose().len()
            )),
            None if self.dev_mode => {
                let mut bytes = [0_u8; 32];
                aws_lc_rs::rand::fill(&mut bytes).map_err(|_| "no randomness".to_owned())?;
                tracing::warn!(
                    "development mode: BALLOT_CODE_KEY is not set; ballot codes are hashed with \
                     an ephemeral key and stop voting on restart"
                );
                Ok(Secret::new(hex::encode(bytes)))
            }
            None => Err(
                "BALLOT_CODE_KEY is not set: set a random key of at least 32 bytes \
                 (scripts/run.sh generates one), or LIANZHENG_DEV=1 for development"
                    .to_owned(),
            ),
        }
    }

    /// The longest one request spends on the database before it answers 503:
    /// `DB_POOL_TIMEOUT` + `DB_STATEMENT_TIMEOUT` (the README's bound adds 1 s for the rest).
    pub fn database_budget(&self) -> Duration {
        self.pool_timeout + self.statement_timeout
    }

    /// The public keys that verify the trail: `current`'s and the retired `AUDIT_VERIFY_KEYS`.
    pub fn audit_keys(&self, current: Option<&PublicKey>) -> keys::KeySet {
        keys::KeySet::new(current, &self.audit_verify_keys)
    }

    /// The CLI's own HS256 issuer, always trusted, plus every configured extra issuer.
    pub fn issuers(&self) -> Vec<IssuerSettings> {
        let mut issuers = vec![IssuerSettings {
            issuer: self.jwt_issuer.clone(),
            algorithm: Algorithm::HS256,
            kid: None,
            public_key_pem: None,
            public_key_file: None,
            secret: Some(SecretString(self.jwt_secret.expose().to_owned())),
        }];
        issuers.extend(self.extra_issuers.iter().cloned());
        issuers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        let s = SecretString("hunter2".into());
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn extra_cors_headers_are_header_names() {
        let names = header_names(" X-Trace-Id, x-portal-user ,").expect("two valid names");
        assert_eq!(names, ["x-trace-id", "x-portal-user"]);
        for bad in ["X Trace", "X-Trace:1", "*", "名字"] {
            assert!(header_names(bad).is_err(), "{bad} is refused");
        }
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let range = TrustedProxy::parse("10.0.0.0/8").expect("a range");
        assert!(range.contains("10.1.2.3".parse().expect("ip")));
        assert!(!range.contains("11.1.2.3".parse().expect("ip")));
        assert!(range.contains("::ffff:10.9.9.9".parse().expect("ip")));
        let one = TrustedProxy::parse("192.168.1.5").expect("an address");
        assert!(one.contains("192.168.1.5".parse().expect("ip")));
        assert!(!one.contains("192.168.1.6".parse().expect("ip")));
        let v6 = TrustedProxy::parse("fd00::/8").expect("a v6 range");
        assert!(v6.contains("fd12::1".parse().expect("ip")));
        assert!(!v6.contains("10.0.0.1".parse().expect("ip")));
        assert!(TrustedProxy::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxy::parse("proxy.example").is_err());
    }

    #[test]
    fn issuer_entries_parse_from_json() {
        let issuers: Vec<IssuerSettings> = serde_json::from_str(concat!(
            r#"[{"issuer":"https://oa.example","algorithm":"RS256","kid":"k1","#,
            r#""public_key_file":"/etc/oa.pem"}]"#,
        ))
        .expect("valid issuer JSON");
        assert_eq!(issuers[0].algorithm, Algorithm::RS256);
        assert_eq!(issuers[0].kid.as_deref(), Some("k1"));
    }

    #[test]
    fn the_task_webhook_needs_http_and_a_long_secret_which_never_prints() {
        let mut push = TaskPushSettings::from_env().expect("defaults");
        push.webhook_url = None;
        assert!(matches!(push.webhook(), Ok(None)), "off when unset");
        push.webhook_url = Some("http://oa.yangshan.example/todo".to_owned());
        push.webhook_secret = Some(Secret::new("short"));
        assert!(push.webhook().is_err());
        let secret = "0123456789abcdef0123456789abcdef";
        push.webhook_secret = Some(Secret::new(secret));
        assert!(matches!(push.webhook(), Ok(Some(_))));
        assert!(!format!("{push:?}").contains(secret));
        push.webhook_url = Some("https://oa.yangshan.example/todo".to_owned());
        assert!(push.webhook().is_err(), "no TLS in this build");
    }
}
