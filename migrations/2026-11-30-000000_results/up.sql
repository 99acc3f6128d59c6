-- Results (issue 15, part 1): per-cycle result settings, grade bands, veto events (一票否决)
-- and the fallback results of vertical units (plan §1, §4, §5). The weights and the
-- rectification line stay where they are, in `assessment_cycles`.

-- What publication shows and whether the veto applies, one row per cycle (made by a trigger,
-- like `evaluation_settings`). They may change until the cycle is published (DOMAIN.md,
-- "Settings added after the draft stage").
CREATE TABLE result_settings (
    cycle_id                BIGINT      PRIMARY KEY
        REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    -- What a unit sees after publication besides its own result: `own`, `kind` (the ranking
    -- of its kind) or `all` (the full ranking).
    publication_scope       TEXT        NOT NULL DEFAULT 'own',
    -- Whether a unit sees its own leaders' grades (personnel data: off by default).
    units_see_leader_grades BOOLEAN     NOT NULL DEFAULT false,
    -- 一票否决: off by default; when on, a vetoed unit's band is at most `veto_band`.
    veto_enabled            BOOLEAN     NOT NULL DEFAULT false,
    veto_band               TEXT,
    version                 INTEGER     NOT NULL DEFAULT 1,
    updated_by              TEXT        NOT NULL DEFAULT 'system',
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT result_settings_scope_check CHECK (publication_scope IN ('own', 'kind', 'all')),
    CONSTRAINT result_settings_veto_check CHECK (NOT veto_enabled OR veto_band IS NOT NULL)
);
INSERT INTO result_settings (cycle_id) SELECT id FROM assessment_cycles;

CREATE FUNCTION result_settings_for_new_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO result_settings (cycle_id) VALUES (NEW.id);
    RETURN NEW;
END
$$;
CREATE TRIGGER assessment_cycles_result_settings AFTER INSERT ON assessment_cycles
    FOR EACH ROW EXECUTE FUNCTION result_settings_for_new_cycle();

-- Grade bands (档次) of a cycle's totals: each from its lower bound up to the next one's; one
-- starts at 0, so together they cover 0 to 100 without overlap.
CREATE TABLE grade_bands (
    cycle_id    BIGINT       NOT NULL REFERENCES result_settings (cycle_id) ON DELETE CASCADE,
    name        TEXT         NOT NULL,
    lower_bound NUMERIC(5,2) NOT NULL,
    PRIMARY KEY (cycle_id, lower_bound),
    CONSTRAINT grade_bands_name_key UNIQUE (cycle_id, name),
    CONSTRAINT grade_bands_bound_check CHECK (lower_bound >= 0 AND lower_bound < 100)
);

-- 一票否决 events: a leader disciplined for corruption, with the decision's reference.
CREATE TABLE veto_events (
    id               BIGSERIAL   PRIMARY KEY,
    cycle_id         BIGINT      NOT NULL,
    unit_id          BIGINT      NOT NULL,
    leader_id        BIGINT      REFERENCES leaders (id) ON DELETE RESTRICT,
    leader_name      TEXT,
    reason           TEXT        NOT NULL,
    document_ref     TEXT        NOT NULL,
    recorded_by      TEXT        NOT NULL,
    recorded_by_name TEXT        NOT NULL,
    recorded_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT veto_events_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT
);
CREATE INDEX veto_events_cycle_idx ON veto_events (cycle_id, unit_id);

-- The result of a vertical unit where one is needed (plan §1): never ranked, never required.
CREATE TABLE fallback_results (
    cycle_id     BIGINT       NOT NULL,
    unit_id      BIGINT       NOT NULL,
    value        NUMERIC(5,2) NOT NULL,
    source       TEXT         NOT NULL,
    document_ref TEXT         NOT NULL,
    version      INTEGER      NOT NULL DEFAULT 1,
    updated_by   TEXT         NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, unit_id),
    CONSTRAINT fallback_results_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE RESTRICT,
    CONSTRAINT fallback_results_value_check CHECK (value BETWEEN 0 AND 100),
    CONSTRAINT fallback_results_source_check CHECK (
        source IN ('self_score', 'superior_assessment'))
);
