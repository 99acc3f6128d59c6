-- Push to the OA portal's to-do centre (issue 17 §4). `task_states` holds every task the
-- service has told the portal about: one row per occurrence of a task (a recipient, a kind, a
-- resource), open, then overdue, then done; a task that comes back after it was done is a new
-- occurrence. `task_events` is the transactional outbox: each row is one transition, written in
-- the transaction of the write that caused it, and delivered to the webhook at least once.

CREATE TABLE task_states (
    id                BIGSERIAL   PRIMARY KEY,
    -- SHA-256 (hex) of the recipient, the kind and the resource: the task's identity.
    task_key          TEXT        NOT NULL,
    -- 1 for the task's first appearance, 2 when it comes back after it was done, ...
    occurrence        INTEGER     NOT NULL,
    -- `office`, `unit` (with its unit) or `inspector` (with the token's `sub`).
    recipient_role    TEXT        NOT NULL,
    recipient_unit_id BIGINT,
    recipient_sub     TEXT,
    -- A `TaskKind` of ops/tasks.rs (no CHECK: the kinds grow with the to-do list).
    kind              TEXT        NOT NULL,
    cycle_id          BIGINT      NOT NULL,
    unit_id           BIGINT,
    unit_name         TEXT,
    title             TEXT        NOT NULL,
    resource          TEXT        NOT NULL,
    due               DATE,
    state             TEXT        NOT NULL DEFAULT 'open',
    -- Instants of the application's clock (never SQL now()); when it turned overdue is its
    -- `overdue` event's. (Sixteen columns: diesel's limit without its 32-column feature.)
    created_at        TIMESTAMPTZ NOT NULL,
    done_at           TIMESTAMPTZ,
    CONSTRAINT task_states_key_occurrence_key UNIQUE (task_key, occurrence),
    CONSTRAINT task_states_occurrence_check CHECK (occurrence > 0),
    CONSTRAINT task_states_state_check CHECK (state IN ('open', 'overdue', 'done')),
    CONSTRAINT task_states_recipient_check CHECK (
        (recipient_role = 'office' AND recipient_unit_id IS NULL AND recipient_sub IS NULL)
        OR (recipient_role = 'unit' AND recipient_unit_id IS NOT NULL
            AND recipient_sub IS NULL)
        OR (recipient_role = 'inspector' AND recipient_unit_id IS NULL
            AND recipient_sub IS NOT NULL))
);

-- At most one live occurrence of a task.
CREATE UNIQUE INDEX task_states_live_key ON task_states (task_key) WHERE state <> 'done';
-- What the overdue job scans.
CREATE INDEX task_states_open_due ON task_states (due) WHERE state = 'open';

CREATE TABLE task_events (
    id              BIGSERIAL   PRIMARY KEY,
    -- SHA-256 (hex) of the task's key, its occurrence and the transition (and, for `overdue`,
    -- the due date that passed): the same event always has the same id.
    event_id        TEXT        NOT NULL,
    task_state_id   BIGINT      NOT NULL REFERENCES task_states (id) ON DELETE CASCADE,
    transition      TEXT        NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    -- Delivery: attempts so far, when the next may start (NULL: at once; while an attempt
    -- runs, the end of its lease), what the last one met, and when one succeeded.
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    last_attempt_at TIMESTAMPTZ,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TIMESTAMPTZ,
    CONSTRAINT task_events_event_id_key UNIQUE (event_id),
    CONSTRAINT task_events_transition_check CHECK (transition IN ('created', 'done', 'overdue')),
    CONSTRAINT task_events_attempts_check CHECK (attempts >= 0)
);

-- What the worker claims, oldest first; and the earlier undelivered events of one task.
CREATE INDEX task_events_undelivered ON task_events (id) WHERE delivered_at IS NULL;
CREATE INDEX task_events_task ON task_events (task_state_id, id) WHERE delivered_at IS NULL;
