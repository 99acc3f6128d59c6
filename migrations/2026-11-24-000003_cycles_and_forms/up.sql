-- Assessment cycles (年度考核), their lifecycle, the units in scope, and the scoring forms (考评表).

CREATE TABLE assessment_cycles (
    id                         BIGSERIAL PRIMARY KEY,
    year                       INTEGER      NOT NULL,
    title                      TEXT         NOT NULL,
    state                      TEXT         NOT NULL DEFAULT 'draft',
    special_weight             NUMERIC(5,2) NOT NULL DEFAULT 90,
    routine_weight             NUMERIC(5,2) NOT NULL DEFAULT 10,
    rectification_line         NUMERIC(5,2) NOT NULL DEFAULT 75,
    routine_sample_towns       INTEGER      NOT NULL DEFAULT 2,
    routine_sample_departments INTEGER      NOT NULL DEFAULT 2,
    flag_margin                NUMERIC(5,2) NOT NULL DEFAULT 2,
    self_inspection_due        DATE         NOT NULL,
    special_inspection_ends    DATE         NOT NULL,
    team_reports_due           DATE         NOT NULL,
    version                    INTEGER      NOT NULL DEFAULT 1,
    created_at                 TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at                 TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT assessment_cycles_year_key UNIQUE (year),
    CONSTRAINT assessment_cycles_year_check CHECK (year BETWEEN 2000 AND 2100),
    CONSTRAINT assessment_cycles_state_check CHECK (state IN
        ('draft', 'self_inspection', 'special_inspection', 'review', 'published', 'archived')),
    CONSTRAINT assessment_cycles_weights_check CHECK (
        special_weight >= 0 AND routine_weight >= 0 AND special_weight + routine_weight = 100),
    CONSTRAINT assessment_cycles_line_check CHECK (rectification_line BETWEEN 0 AND 100),
    CONSTRAINT assessment_cycles_samples_check CHECK (routine_sample_towns >= 0 AND routine_sample_departments >= 0),
    CONSTRAINT assessment_cycles_margin_check CHECK (flag_margin BETWEEN 0 AND 100)
);

-- Every lifecycle step, with who, when and an optional note.
CREATE TABLE cycle_transitions (
    id          BIGSERIAL PRIMARY KEY,
    cycle_id    BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    from_state  TEXT        NOT NULL,
    to_state    TEXT        NOT NULL,
    actor_sub   TEXT        NOT NULL,
    actor_name  TEXT        NOT NULL,
    note        TEXT,
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX cycle_transitions_cycle_idx ON cycle_transitions (cycle_id, id);

-- Due dates moved after the cycle left draft, each with its reason.
CREATE TABLE cycle_deadline_extensions (
    id          BIGSERIAL PRIMARY KEY,
    cycle_id    BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    deadline    TEXT        NOT NULL,
    old_date    DATE        NOT NULL,
    new_date    DATE        NOT NULL,
    reason      TEXT        NOT NULL,
    actor_sub   TEXT        NOT NULL,
    actor_name  TEXT        NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT cycle_deadline_extensions_deadline_check CHECK (deadline IN
        ('self_inspection_due', 'special_inspection_ends', 'team_reports_due')),
    CONSTRAINT cycle_deadline_extensions_later_check CHECK (new_date > old_date)
);

-- The units a cycle assesses, snapshotted when it leaves draft (plan §1). A unit referenced
-- here can be archived but not deleted.
CREATE TABLE cycle_units (
    cycle_id        BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    unit_id         BIGINT      NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    status          TEXT        NOT NULL,
    form_kind       TEXT,
    fallback_source TEXT,
    reason          TEXT,
    updated_by      TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, unit_id),
    CONSTRAINT cycle_units_status_check CHECK (status IN ('assessed', 'excluded')),
    CONSTRAINT cycle_units_form_kind_check CHECK (form_kind IN ('town', 'county_department', 'county_enterprise')),
    CONSTRAINT cycle_units_fallback_check CHECK (fallback_source IN ('self_score', 'superior_assessment')),
    CONSTRAINT cycle_units_assessed_has_form CHECK (status <> 'assessed' OR form_kind IS NOT NULL)
);
CREATE INDEX cycle_units_unit_idx ON cycle_units (unit_id);

-- One scoring form per unit kind per cycle: form 1 (county departments, and enterprises unless
-- the office gives them their own), form 2 (towns).
CREATE TABLE scoring_forms (
    id         BIGSERIAL PRIMARY KEY,
    cycle_id   BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    form_kind  TEXT        NOT NULL,
    title      TEXT        NOT NULL,
    version    INTEGER     NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT scoring_forms_cycle_kind_key UNIQUE (cycle_id, form_kind),
    CONSTRAINT scoring_forms_kind_check CHECK (form_kind IN ('town', 'county_department', 'county_enterprise'))
);

CREATE TABLE form_items (
    id           BIGSERIAL PRIMARY KEY,
    form_id      BIGINT       NOT NULL REFERENCES scoring_forms (id) ON DELETE CASCADE,
    position     INTEGER      NOT NULL,
    code         TEXT         NOT NULL,
    title        TEXT         NOT NULL,
    content_area SMALLINT     NOT NULL,
    max_points   NUMERIC(5,2) NOT NULL,
    -- Deduction rules as data: [{grounds, points: {min, max}, per_occurrence, cap, evidence}].
    rules        JSONB        NOT NULL,
    CONSTRAINT form_items_code_key UNIQUE (form_id, code),
    CONSTRAINT form_items_position_key UNIQUE (form_id, position),
    CONSTRAINT form_items_area_check CHECK (content_area BETWEEN 1 AND 7),
    CONSTRAINT form_items_points_check CHECK (max_points > 0 AND max_points <= 100)
);
