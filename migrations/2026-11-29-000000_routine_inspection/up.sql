-- The routine inspection (日常考核检查, plan §4(二)): the year's plan, each unit's
-- responsibility targets, the verifiable draw of the units visited, the visit records (a
-- member of the signed family) and every assessed unit's routine score out of 10.

-- The year's routine-check plan: what is checked, how and when; and whether enterprises are a
-- sampling group (0: they are not, the plan's default).
CREATE TABLE routine_plans (
    cycle_id           BIGINT      PRIMARY KEY REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    scope              TEXT        NOT NULL,
    methods            TEXT        NOT NULL,
    schedule           TEXT        NOT NULL,
    sample_enterprises INTEGER     NOT NULL DEFAULT 0,
    version            INTEGER     NOT NULL DEFAULT 1,
    updated_by         TEXT        NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT routine_plans_sample_enterprises_check CHECK (sample_enterprises BETWEEN 0 AND 99)
);

-- Each assessed unit's responsibility targets (责任制目标) and the tasks set from above.
CREATE TABLE routine_targets (
    cycle_id   BIGINT      NOT NULL,
    unit_id    BIGINT      NOT NULL,
    targets    TEXT        NOT NULL,
    tasks      TEXT,
    version    INTEGER     NOT NULL DEFAULT 1,
    updated_by TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, unit_id),
    CONSTRAINT routine_targets_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT
);

-- A commitment to a draw, then its seed and sample. The eligible lists are frozen when
-- committed ([{"group": "county_department", "size": 2, "unit_ids": [3, 5]}, ...]) and their
-- SHA-256 shown to every unit; the seed comes from the named public source after the time it
-- publishes. A redraw supersedes the current commitment with a reason; nothing is deleted.
CREATE TABLE routine_draws (
    id                BIGSERIAL   PRIMARY KEY,
    cycle_id          BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE RESTRICT,
    seed_source       TEXT        NOT NULL,
    seed_publishes_at TIMESTAMPTZ NOT NULL,
    reason            TEXT,
    eligible          JSONB       NOT NULL,
    eligible_sha256   TEXT        NOT NULL,
    committed_by      TEXT        NOT NULL,
    committed_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    seed              TEXT,
    seeded_by         TEXT,
    seeded_at         TIMESTAMPTZ,
    algorithm_version INTEGER,
    sample            JSONB,
    superseded_at     TIMESTAMPTZ,
    CONSTRAINT routine_draws_seeded_check CHECK (
        (seed IS NULL) = (sample IS NULL) AND (seed IS NULL) = (seeded_at IS NULL)
        AND (seed IS NULL) = (algorithm_version IS NULL) AND (seed IS NULL) = (seeded_by IS NULL))
);
CREATE UNIQUE INDEX routine_draws_current_key ON routine_draws (cycle_id) WHERE superseded_at IS NULL;

-- The record of a sampled unit's field visit, signed by every visitor (office staff).
CREATE TABLE routine_visits (
    id                      BIGSERIAL   PRIMARY KEY,
    cycle_id                BIGINT      NOT NULL,
    unit_id                 BIGINT      NOT NULL,
    -- [{"sub": "office-zhang", "name": "张主任"}, ...]
    visitors                JSONB       NOT NULL DEFAULT '[]',
    -- field_visit, questionnaire, ledger_review
    methods                 JSONB       NOT NULL DEFAULT '[]',
    findings                TEXT,
    -- {"handed_out": 40, "returned": 38, "answers_counted": 38, "results": "..."}
    questionnaire           JSONB,
    -- Attachment references: [{"title": "...", "sha256": "..."}].
    attachments             JSONB       NOT NULL DEFAULT '[]',
    visited_on              DATE,
    status                  TEXT        NOT NULL DEFAULT 'open',
    submitted_at            TIMESTAMPTZ,
    version                 INTEGER     NOT NULL DEFAULT 1,
    round                   INTEGER     NOT NULL DEFAULT 1,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT routine_visits_cycle_unit_key UNIQUE (cycle_id, unit_id),
    CONSTRAINT routine_visits_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT,
    CONSTRAINT routine_visits_status_check CHECK (status IN ('open', 'awaiting_signatures', 'final'))
);

-- Every assessed unit's routine score, out of 10, with a note.
CREATE TABLE routine_scores (
    cycle_id   BIGINT       NOT NULL,
    unit_id    BIGINT       NOT NULL,
    score      NUMERIC(4,2) NOT NULL,
    note       TEXT         NOT NULL,
    version    INTEGER      NOT NULL DEFAULT 1,
    updated_by TEXT         NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, unit_id),
    CONSTRAINT routine_scores_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT,
    CONSTRAINT routine_scores_score_check CHECK (score >= 0 AND score <= 10)
);

-- Visit records are signed through the family's tables, by their visitors.
ALTER TABLE signatures DROP CONSTRAINT signatures_kind_check;
ALTER TABLE signatures ADD CONSTRAINT signatures_kind_check
    CHECK (document_kind IN ('scoring_record', 'team_report', 'routine_visit'));
ALTER TABLE signatures DROP CONSTRAINT signatures_role_check;
ALTER TABLE signatures ADD CONSTRAINT signatures_role_check
    CHECK (signer_role IN ('leader', 'member', 'visitor'));
