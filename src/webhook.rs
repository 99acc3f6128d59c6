//! The task push's background work (issue 17 §4): the overdue job, and the worker that delivers
//! the outbox's events to the OA portal's webhook.
//!
//! Both keep their state in the database, never in memory, so a restart of the service or of
//! the receiver loses nothing: an event is delivered until the receiver answers 2xx (at least
//! once), retried after `TASK_WEBHOOK_BACKOFF`, doubled after each failure up to
//! `TASK_WEBHOOK_BACKOFF_MAX`. Every wait is bounded: a delivery by `TASK_WEBHOOK_TIMEOUT`, the
//! database by the pool's budget. Several instances share the work: the job runs under an
//! advisory lock, and the worker leases the events it takes (`FOR UPDATE SKIP LOCKED`).
//!
//! Both stop once the server that started them has stopped.

use std::sync::Weak;
use std::time::Duration;

use aws_lc_rs::hmac;
use chrono::Utc;

use crate::clock::Clock;
use crate::config::{Secret, TaskPushSettings};
use crate::db::{self, PgPool};
use crate::ops::outbox::{self, EventBody, Pending};

/// The header holding the body's HMAC-SHA256, as `sha256=<hex>`.
pub const SIGNATURE_HEADER: &str = "X-Lianzheng-Signature";
/// The header holding the event id (also in the body).
pub const EVENT_ID_HEADER: &str = "X-Lianzheng-Event-Id";

/// Events taken at a time.
const BATCH: i64 = 20;

/// The HMAC-SHA256 of `body` under `secret`, in lowercase hex: what [`SIGNATURE_HEADER`]
/// carries after `sha256=`.
pub fn signature(secret: &Secret, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.expose().as_bytes());
    hex::encode(hmac::sign(&key, body).as_ref())
}

/// Starts the overdue job and, when a webhook is configured, the delivery worker, on the
/// current Tokio runtime; both end once `alive` can no longer be upgraded. `Err` (one line) for
/// a webhook misconfigured.
pub fn start(
    pool: PgPool,
    clock: Clock,
    settings: &TaskPushSettings,
    alive: Weak<()>,
) -> Result<(), String> {
    let webhook = settings.webhook()?;
    tokio::spawn(overdue_job(
        pool.clone(),
        clock,
        settings.job_interval,
        alive.clone(),
    ));
    match webhook {
        Some((url, secret)) => {
            let client = reqwest::Client::builder()
                .timeout(settings.webhook_timeout)
                .connect_timeout(settings.webhook_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| format!("cannot build the webhook client: {e}"))?;
            let worker = Worker {
                url,
                secret,
                client,
                base: settings.public_base_url.clone(),
                timeout: settings.webhook_timeout,
                poll: settings.webhook_poll,
                backoff: settings.webhook_backoff,
                backoff_max: settings.webhook_backoff_max,
            };
            tokio::spawn(worker.run(pool, alive));
        }
        None => tracing::info!("TASK_WEBHOOK_URL is not set: task events wait in the outbox"),
    }
    Ok(())
}

/// Runs [`outbox::run_job`] every `interval`, by the application's clock, the first time one
/// interval after the start.
async fn overdue_job(pool: PgPool, clock: Clock, interval: Duration, alive: Weak<()>) {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if alive.strong_count() == 0 {
            return;
        }
        let now = clock.now();
        match db::run(&pool, move |conn| outbox::run_job(conn, now)).await {
            Ok(Some(done)) if done != outbox::Recorded::default() => tracing::info!(
                created = done.created,
                done = done.done,
                overdue = done.overdue,
                "task states brought up to date"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "the overdue job failed; it runs again soon"),
        }
    }
}

/// The delivery worker and its settings.
struct Worker {
    url: String,
    secret: Secret,
    client: reqwest::Client,
    base: String,
    timeout: Duration,
    poll: Duration,
    backoff: Duration,
    backoff_max: Duration,
}

impl Worker {
    /// Takes the events due, delivers them one by one, and sleeps when there were none.
    async fn run(self, pool: PgPool, alive: Weak<()>) {
        // A batch is leased for as long as its deliveries may take, and some.
        let lease = self.timeout * (BATCH as u32) + Duration::from_secs(30);
        let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::hours(1));
        while alive.strong_count() > 0 {
            let now = Utc::now();
            let claimed = db::run(&pool, move |conn| {
                outbox::claim(conn, now, now + lease, BATCH)
            })
            .await;
            match claimed {
                Ok(events) if events.is_empty() => tokio::time::sleep(self.poll).await,
                Ok(events) => {
                    for event in events {
                        self.deliver(&pool, event).await;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot take task events to deliver");
                    tokio::time::sleep(self.poll).await;
                }
            }
        }
    }

    /// Posts one event and records the outcome.
    #[tracing::instrument(skip_all, fields(event_id = %event.event_id, attempt = event.attempts))]
    async fn deliver(&self, pool: &PgPool, event: Pending) {
        let outcome = match EventBody::of(&event, &self.base)
            .and_then(|body| serde_json::to_vec(&body).map_err(crate::error::ApiError::internal))
        {
            Ok(body) => self.post(&event.event_id, body).await,
            Err(e) => Err((None, format!("cannot build the body: {e}"))),
        };
        let at = Utc::now();
        let id = event.id;
        let recorded = match outcome {
            Ok(status) => db::run(pool, move |conn| outbox::delivered(conn, id, status, at)).await,
            Err((status, error)) => {
                let wait = self.backoff_after(event.attempts);
                let retry_at =
                    at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
                tracing::warn!(error = %error, retry_in_s = wait.as_secs(), "delivery failed");
                db::run(pool, move |conn| {
                    outbox::failed(conn, id, status, &error, retry_at)
                })
                .await
            }
        };
        if let Err(e) = recorded {
            // The lease runs out and the event is delivered again: at least once.
            tracing::warn!(error = %e, "cannot record a delivery's outcome");
        }
    }

    /// Sends the body; `Ok` with a 2xx status, `Err` with the status (if any) and what failed.
    async fn post(&self, event_id: &str, body: Vec<u8>) -> Result<u16, (Option<u16>, String)> {
        let signed = format!("sha256={}", signature(&self.secret, &body));
        let sent = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_ID_HEADER, event_id)
            .header(SIGNATURE_HEADER, signed)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => Ok(response.status().as_u16()),
            Ok(response) => {
                let status = response.status();
                Err((
                    Some(status.as_u16()),
                    format!("the receiver answered {status}"),
                ))
            }
            Err(e) => Err((None, describe(&e))),
        }
    }

    /// The wait before the next attempt after `attempts` failed ones: the base, doubled after
    /// each failure, never more than the maximum.
    fn backoff_after(&self, attempts: i32) -> Duration {
        backoff(self.backoff, self.backoff_max, attempts)
    }
}

/// `base` × 2^(`attempts` − 1), at most `max`.
fn backoff(base: Duration, max: Duration, attempts: i32) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
    base.saturating_mul(1 << doublings).min(max)
}

/// An error with its causes, on one line ("connection refused" is a cause of reqwest's).
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_the_base_up_to_the_maximum() {
        let (base, max) = (Duration::from_secs(10), Duration::from_secs(3600));
        let waits: Vec<u64> = (1..=11).map(|n| backoff(base, max, n).as_secs()).collect();
        assert_eq!(
            waits,
            [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]
        );
        assert_eq!(backoff(base, max, i32::MAX), max);
    }

    #[test]
    fn the_signature_is_the_hmac_sha256_of_the_body_in_hex() {
        // RFC 4231, test case 2.
        let secret = Secret::new("Jefe");
        assert_eq!(
            signature(&secret, b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
