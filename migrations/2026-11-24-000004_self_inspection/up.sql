-- Units' self-inspections (自查) with self-scores, accountability reports (述责报告), their
-- submitted versions, and attachments (plan §4(一)1, §6).

CREATE TABLE attachments (
    id               BIGSERIAL PRIMARY KEY,
    uploader_sub     TEXT        NOT NULL,
    uploader_role    TEXT        NOT NULL,
    file_name        TEXT        NOT NULL,
    content_type     TEXT        NOT NULL,
    size_bytes       BIGINT      NOT NULL,
    sha256           TEXT        NOT NULL,
    content          BYTEA       NOT NULL,
    -- What it is attached to; NULL until attached (unattached uploads are removed after a day).
    owner_kind       TEXT,
    owner_id         BIGINT,
    attached_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT attachments_owner_kind_check CHECK (owner_kind IN ('self_inspection', 'accountability_report')),
    CONSTRAINT attachments_owner_check CHECK ((owner_kind IS NULL) = (owner_id IS NULL)),
    CONSTRAINT attachments_size_check CHECK (size_bytes >= 0)
);
CREATE INDEX attachments_owner_idx ON attachments (owner_kind, owner_id);
CREATE INDEX attachments_unattached_idx ON attachments (created_at) WHERE owner_kind IS NULL;

-- One self-inspection per unit per cycle; its submitted versions are kept in document_versions.
CREATE TABLE self_inspections (
    id                BIGSERIAL PRIMARY KEY,
    cycle_id          BIGINT       NOT NULL REFERENCES assessment_cycles (id) ON DELETE RESTRICT,
    unit_id           BIGINT       NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    status            TEXT         NOT NULL DEFAULT 'draft',
    report            TEXT,
    -- Problems the unit found in itself, each with its fix and whether it is done (plan §6(一)).
    problems          JSONB        NOT NULL DEFAULT '[]',
    total             NUMERIC(5,2),
    submitted_at      TIMESTAMPTZ,
    late              BOOLEAN      NOT NULL DEFAULT FALSE,
    submission_count  INTEGER      NOT NULL DEFAULT 0,
    paper_received_at TIMESTAMPTZ,
    return_reason     TEXT,
    version           INTEGER      NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT self_inspections_cycle_unit_key UNIQUE (cycle_id, unit_id),
    CONSTRAINT self_inspections_status_check CHECK (status IN ('draft', 'submitted', 'returned')),
    CONSTRAINT self_inspections_total_check CHECK (total BETWEEN 0 AND 100)
);

CREATE TABLE self_scores (
    self_inspection_id BIGINT       NOT NULL REFERENCES self_inspections (id) ON DELETE CASCADE,
    item_code          TEXT         NOT NULL,
    points             NUMERIC(5,2) NOT NULL,
    note               TEXT,
    PRIMARY KEY (self_inspection_id, item_code),
    CONSTRAINT self_scores_points_check CHECK (points >= 0)
);

-- One accountability report per first responsible person per cycle.
CREATE TABLE accountability_reports (
    id               BIGSERIAL PRIMARY KEY,
    cycle_id         BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE RESTRICT,
    unit_id          BIGINT      NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    leader_id        BIGINT      NOT NULL REFERENCES leaders (id) ON DELETE RESTRICT,
    status           TEXT        NOT NULL DEFAULT 'draft',
    body             TEXT,
    submitted_at     TIMESTAMPTZ,
    late             BOOLEAN     NOT NULL DEFAULT FALSE,
    submission_count INTEGER     NOT NULL DEFAULT 0,
    return_reason    TEXT,
    version          INTEGER     NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT accountability_reports_cycle_leader_key UNIQUE (cycle_id, leader_id),
    CONSTRAINT accountability_reports_status_check CHECK (status IN ('draft', 'submitted', 'returned'))
);

-- Every submitted version of a self-inspection or accountability report, as submitted, with
-- its return (if it was returned) on record.
CREATE TABLE document_versions (
    id             BIGSERIAL PRIMARY KEY,
    document_kind  TEXT        NOT NULL,
    document_id    BIGINT      NOT NULL,
    number         INTEGER     NOT NULL,
    content        JSONB       NOT NULL,
    submitted_by   TEXT        NOT NULL,
    submitted_at   TIMESTAMPTZ NOT NULL,
    late           BOOLEAN     NOT NULL,
    returned_by    TEXT,
    returned_at    TIMESTAMPTZ,
    return_reason  TEXT,
    CONSTRAINT document_versions_kind_check CHECK (document_kind IN ('self_inspection', 'accountability_report')),
    CONSTRAINT document_versions_number_key UNIQUE (document_kind, document_id, number)
);
