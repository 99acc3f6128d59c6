-- Commendations and notices (issue 15 item 6; plan §5): the office records commended units and
-- leaders and criticism notices, whom, why and the document reference, each published with the
-- results or later, within its scope.

CREATE TABLE commendations (
    id               BIGSERIAL   PRIMARY KEY,
    cycle_id         BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    kind             TEXT        NOT NULL,
    unit_id          BIGINT      NOT NULL,
    -- The commended leader: a leader commendation names one of the unit's, the others none.
    leader_id        BIGINT      REFERENCES leaders (id) ON DELETE RESTRICT,
    leader_name      TEXT,
    reason           TEXT        NOT NULL,
    -- 文号: the reference of the document that records it.
    document_ref     TEXT        NOT NULL,
    -- Who sees it once published: the office alone, every unit, or only the unit named.
    scope            TEXT        NOT NULL,
    -- Published with the cycle's results (shown while they are), without a step of its own.
    with_results     BOOLEAN     NOT NULL DEFAULT true,
    -- Published on its own, once the cycle's results were (`POST …/publish`); who published
    -- it, and who changed it, is on the audit trail.
    published_at     TIMESTAMPTZ,
    recorded_by      TEXT        NOT NULL,
    recorded_by_name TEXT        NOT NULL,
    version          INTEGER     NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT commendations_kind_check CHECK (kind IN
        ('unit_commendation', 'leader_commendation', 'criticism_notice')),
    CONSTRAINT commendations_scope_check CHECK (scope IN ('office', 'units', 'unit')),
    CONSTRAINT commendations_leader_check CHECK (
        (kind = 'leader_commendation') = (leader_id IS NOT NULL)),
    CONSTRAINT commendations_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT
);
CREATE INDEX commendations_cycle_idx ON commendations (cycle_id, unit_id);

-- A unit's acknowledgement of its published result (回执, issue 17), one per publication: it
-- names the cycle's `published` transition it acknowledges, so after a republication (a newer
-- transition) the unit acknowledges again.
CREATE TABLE result_acknowledgements (
    id                   BIGSERIAL   PRIMARY KEY,
    cycle_id             BIGINT      NOT NULL,
    unit_id              BIGINT      NOT NULL,
    transition_id        BIGINT      NOT NULL REFERENCES cycle_transitions (id) ON DELETE CASCADE,
    acknowledged_by      TEXT        NOT NULL,
    acknowledged_by_name TEXT        NOT NULL,
    acknowledged_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    note                 TEXT,
    CONSTRAINT result_acknowledgements_key UNIQUE (cycle_id, unit_id, transition_id),
    CONSTRAINT result_acknowledgements_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT
);
