-- The tamper-evident audit trail of every write, and the idempotency keys of retried POSTs.

CREATE TABLE audit_log (
    id           BIGINT PRIMARY KEY,
    occurred_at  TIMESTAMPTZ NOT NULL,
    actor_sub    TEXT        NOT NULL,
    actor_name   TEXT        NOT NULL,
    actor_role   TEXT        NOT NULL,
    action       TEXT        NOT NULL,
    resource     TEXT        NOT NULL,
    resource_id  TEXT,
    changes      JSONB       NOT NULL,
    request_id   TEXT,
    -- The exact UTF-8 bytes that were hashed: verification never depends on how JSONB or
    -- timestamps round-trip.
    canonical    TEXT        NOT NULL,
    prev_hash    TEXT        NOT NULL,
    hash         TEXT        NOT NULL,
    CONSTRAINT audit_log_hash_key UNIQUE (hash),
    CONSTRAINT audit_log_prev_hash_key UNIQUE (prev_hash)
);

-- Ids are drawn inside the append lock, so id order is chain order.
CREATE SEQUENCE audit_log_id_seq OWNED BY audit_log.id;

CREATE INDEX audit_log_resource_idx ON audit_log (resource, resource_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_sub);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at);

-- Append-only, even for the owner: changing history needs a superuser disabling this trigger,
-- which `lianzheng audit verify` then detects.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END;
$$;

CREATE TRIGGER audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE idempotency_keys (
    caller_sub       TEXT        NOT NULL,
    route            TEXT        NOT NULL,
    key              TEXT        NOT NULL,
    request_hash     TEXT        NOT NULL,
    -- NULL while the first request is still in flight.
    response_status  SMALLINT,
    response_headers JSONB,
    response_body    BYTEA,
    locked_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (caller_sub, route, key)
);

CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
