-- The inspection teams' score sheets (考核评分表), item by item, with referrals, signatures and
-- reopenings; and the teams' assessment reports (plan §4(一)2, §5(五), §7).

CREATE TABLE scoring_records (
    id              BIGSERIAL PRIMARY KEY,
    cycle_id        BIGINT      NOT NULL,
    unit_id         BIGINT      NOT NULL,
    status          TEXT        NOT NULL DEFAULT 'open',
    -- How the team gathered evidence: hearing_report, democratic_evaluation, individual_talks,
    -- group_discussion, reviewing_records.
    methods         JSONB       NOT NULL DEFAULT '[]',
    methods_version INTEGER     NOT NULL DEFAULT 0,
    -- Bumped by every change; a signature names the version it signed.
    version         INTEGER     NOT NULL DEFAULT 1,
    round           INTEGER     NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT scoring_records_cycle_unit_key UNIQUE (cycle_id, unit_id),
    CONSTRAINT scoring_records_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT,
    CONSTRAINT scoring_records_status_check CHECK (status IN ('open', 'awaiting_signatures', 'final'))
);

-- One row per item the team has touched; each has its own version, the item's ETag.
CREATE TABLE record_items (
    record_id      BIGINT       NOT NULL REFERENCES scoring_records (id) ON DELETE CASCADE,
    item_code      TEXT         NOT NULL,
    deductions     JSONB        NOT NULL DEFAULT '[]',
    evidence_notes TEXT,
    points         NUMERIC(5,2) NOT NULL,
    version        INTEGER      NOT NULL DEFAULT 1,
    updated_by     TEXT         NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (record_id, item_code),
    CONSTRAINT record_items_points_check CHECK (points >= 0)
);

-- Dereliction-of-duty cases referred to the 公述民评 assessment group instead of deducted.
CREATE TABLE referrals (
    id          BIGSERIAL PRIMARY KEY,
    record_id   BIGINT      NOT NULL REFERENCES scoring_records (id) ON DELETE CASCADE,
    leader_id   BIGINT      REFERENCES leaders (id) ON DELETE SET NULL,
    leader_name TEXT,
    facts       TEXT        NOT NULL,
    decision    TEXT        NOT NULL,
    created_by  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Team assessment reports (考核报告), one per unit and cycle.
CREATE TABLE team_reports (
    id                   BIGSERIAL PRIMARY KEY,
    cycle_id             BIGINT      NOT NULL,
    unit_id              BIGINT      NOT NULL,
    overall_evaluation   TEXT,
    problems_found       TEXT,
    rectification_advice TEXT,
    status               TEXT        NOT NULL DEFAULT 'open',
    submitted_at         TIMESTAMPTZ,
    late                 BOOLEAN     NOT NULL DEFAULT FALSE,
    version              INTEGER     NOT NULL DEFAULT 1,
    round                INTEGER     NOT NULL DEFAULT 1,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT team_reports_cycle_unit_key UNIQUE (cycle_id, unit_id),
    CONSTRAINT team_reports_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT,
    CONSTRAINT team_reports_status_check CHECK (status IN ('open', 'awaiting_signatures', 'final'))
);

-- Signatures on score sheets and team reports: who, when, and the SHA-256 of the canonical
-- content (RFC 8785) at that moment. A change voids the signatures of the round; a reopening
-- starts a new round; nothing is deleted.
CREATE TABLE signatures (
    id             BIGSERIAL PRIMARY KEY,
    document_kind  TEXT        NOT NULL,
    document_id    BIGINT      NOT NULL,
    round          INTEGER     NOT NULL,
    signer_sub     TEXT        NOT NULL,
    signer_name    TEXT        NOT NULL,
    signer_role    TEXT        NOT NULL,
    doc_version    INTEGER     NOT NULL,
    content_sha256 TEXT        NOT NULL,
    signed_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    voided_at      TIMESTAMPTZ,
    void_reason    TEXT,
    CONSTRAINT signatures_kind_check CHECK (document_kind IN ('scoring_record', 'team_report')),
    CONSTRAINT signatures_role_check CHECK (signer_role IN ('leader', 'member'))
);
CREATE INDEX signatures_document_idx ON signatures (document_kind, document_id, round);
CREATE UNIQUE INDEX signatures_once_per_round ON signatures (document_kind, document_id, round, signer_sub)
    WHERE voided_at IS NULL;

-- Reopenings of final documents by the office, with the reason and what stood before.
CREATE TABLE reopenings (
    id            BIGSERIAL PRIMARY KEY,
    document_kind TEXT        NOT NULL,
    document_id   BIGINT      NOT NULL,
    round         INTEGER     NOT NULL,
    reason        TEXT        NOT NULL,
    actor_sub     TEXT        NOT NULL,
    content       JSONB       NOT NULL,
    occurred_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
