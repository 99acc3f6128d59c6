-- Rectification (整改, plan §5): a unit whose published total is at or below the cycle's line
-- owes a written explanation and a rectification plan by a per-cycle deadline. The third member
-- of the submitted family: its versions are kept in document_versions, its files in attachments.

-- Days after the publication in which a unit first owes, to the end of which (Asia/Shanghai)
-- its rectification is due.
ALTER TABLE result_settings ADD COLUMN rectification_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE result_settings ADD CONSTRAINT result_settings_rectification_days_check
    CHECK (rectification_days BETWEEN 1 AND 365);

-- One per unit per cycle, made by the publication in which the unit first owes: `owed` until
-- the unit writes, then the family's draft, submitted and returned; `accepted` by the office;
-- `withdrawn` when a later publication no longer puts the unit at or below the line.
CREATE TABLE rectifications (
    id               BIGSERIAL   PRIMARY KEY,
    cycle_id         BIGINT      NOT NULL,
    unit_id          BIGINT      NOT NULL,
    status           TEXT        NOT NULL DEFAULT 'owed',
    -- 书面说明 (the written explanation) and 整改方案 (the rectification plan).
    explanation      TEXT,
    plan             TEXT,
    -- Due at the end of this day, Asia/Shanghai.
    due_on           DATE        NOT NULL,
    -- The publication from which the unit owes it (the application's clock).
    owed_since       TIMESTAMPTZ NOT NULL,
    submitted_at     TIMESTAMPTZ,
    late             BOOLEAN     NOT NULL DEFAULT FALSE,
    submission_count INTEGER     NOT NULL DEFAULT 0,
    return_reason    TEXT,
    -- Who in the office accepted it, and when (diesel's 16 columns: the withdrawal and the
    -- row's creation are on the audit trail, with the transition that made them).
    accepted_by      TEXT,
    accepted_at      TIMESTAMPTZ,
    version          INTEGER     NOT NULL DEFAULT 1,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT rectifications_cycle_unit_key UNIQUE (cycle_id, unit_id),
    CONSTRAINT rectifications_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT,
    CONSTRAINT rectifications_status_check CHECK (status IN
        ('owed', 'draft', 'submitted', 'returned', 'accepted', 'withdrawn')),
    CONSTRAINT rectifications_accepted_check
        CHECK (status <> 'accepted' OR accepted_at IS NOT NULL)
);
CREATE INDEX rectifications_cycle_status_idx ON rectifications (cycle_id, status);

ALTER TABLE attachments DROP CONSTRAINT attachments_owner_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_owner_kind_check CHECK (owner_kind IN
    ('self_inspection', 'accountability_report', 'cycle_decision', 'rectification'));
ALTER TABLE document_versions DROP CONSTRAINT document_versions_kind_check;
ALTER TABLE document_versions ADD CONSTRAINT document_versions_kind_check CHECK (document_kind IN
    ('self_inspection', 'accountability_report', 'rectification'));
