//! The deliveries of task events, as the office lists them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ops::outbox::Delivery;
pub use crate::ops::outbox::{DeliveryState, EventTask, RecipientView};

/// Which deliveries are listed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    /// 只列出此状态的事件：`delivered`、`pending` 或 `failed` (only events in this state).
    pub state: Option<DeliveryState>,
}

/// One event of the outbox and its delivery to the OA portal's webhook.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "sequence": 42,
    "event_id": "9c1f0e4b7a2d5c8e3f6a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e",
    "event": "created", "occurred_at": "2014-09-15T02:00:00Z",
    "recipient": {"role": "unit", "unit_id": 3},
    "task": {"kind": "submit_self_inspection", "title": "修改并重新提交2014年度自查报告",
             "cycle_id": 1, "unit_id": 3, "unit_name": "太平镇",
             "resource": "/api/v1/assessment-cycles/1/units/3/self-inspection",
             "due": "2014-09-20", "occurrence": 2},
    "state": "failed", "attempts": 3, "last_attempt_at": "2014-09-15T02:01:10Z",
    "next_attempt_at": "2014-09-15T02:01:50Z", "last_status": 503,
    "last_error": "the receiver answered 503 Service Unavailable", "delivered_at": null
}))]
pub struct TaskDelivery {
    /// The outbox's order: a later event of the same task has a larger number.
    pub sequence: i64,
    /// The stable event id, as the webhook receives it.
    pub event_id: String,
    /// `created`, `done` or `overdue`.
    pub event: String,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Whose to-do list it belongs on.
    pub recipient: RecipientView,
    /// The task.
    pub task: EventTask,
    /// Where its delivery stands.
    pub state: DeliveryState,
    /// Attempts so far.
    pub attempts: i32,
    /// When the last attempt started.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When the next attempt may start (undelivered only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status at the last attempt, if it answered.
    pub last_status: Option<i32>,
    /// What the last failed attempt met.
    pub last_error: Option<String>,
    /// When the receiver acknowledged it.
    pub delivered_at: Option<DateTime<Utc>>,
}

impl TaskDelivery {
    /// The view of a row; `None` for a row whose recipient is not one the service writes.
    pub fn of(row: Delivery) -> Option<Self> {
        let recipient = row.event.recipient()?.view();
        Some(Self {
            sequence: row.event.id,
            task: row.event.task(),
            event_id: row.event.event_id,
            event: row.event.transition,
            occurred_at: row.event.occurred_at,
            recipient,
            state: row.state,
            attempts: row.event.attempts,
            last_attempt_at: row.last_attempt_at,
            next_attempt_at: row.next_attempt_at,
            last_status: row.last_status,
            last_error: row.last_error,
            delivered_at: row.delivered_at,
        })
    }
}
