-- The cycle's decision records (plan §4(一)3): the office's review with its preliminary opinion
-- (on the cycle, and per unit where it has one), the discipline commission standing committee's
-- decision, and the county committee's approval. Publication needs all three.

CREATE TABLE cycle_decisions (
    id               BIGSERIAL   PRIMARY KEY,
    cycle_id         BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    kind             TEXT        NOT NULL,
    -- 文号: the reference of the document that records it.
    document_ref     TEXT        NOT NULL,
    decided_on       DATE        NOT NULL,
    -- The preliminary opinion on the cycle (the office's review only, and required there).
    opinion          TEXT,
    note             TEXT,
    recorded_by      TEXT        NOT NULL,
    recorded_by_name TEXT        NOT NULL,
    updated_by       TEXT        NOT NULL,
    version          INTEGER     NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT cycle_decisions_kind_check CHECK (kind IN
        ('office_review', 'standing_committee_decision', 'county_committee_approval')),
    CONSTRAINT cycle_decisions_cycle_kind_key UNIQUE (cycle_id, kind),
    CONSTRAINT cycle_decisions_opinion_check CHECK (
        (kind = 'office_review') = (opinion IS NOT NULL))
);

-- The office review's opinion on one unit of the cycle.
CREATE TABLE cycle_decision_unit_opinions (
    decision_id BIGINT NOT NULL REFERENCES cycle_decisions (id) ON DELETE CASCADE,
    cycle_id    BIGINT NOT NULL,
    unit_id     BIGINT NOT NULL,
    opinion     TEXT   NOT NULL,
    PRIMARY KEY (decision_id, unit_id),
    CONSTRAINT cycle_decision_unit_opinions_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT
);

-- A decision's documents are attachments, as a submitted document's are.
ALTER TABLE attachments DROP CONSTRAINT attachments_owner_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_owner_kind_check
    CHECK (owner_kind IN ('self_inspection', 'accountability_report', 'cycle_decision'));
