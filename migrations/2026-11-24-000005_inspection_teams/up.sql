-- Inspection teams (考核组) of a cycle, their members, and which team inspects each unit.

CREATE TABLE inspection_teams (
    id          BIGSERIAL PRIMARY KEY,
    cycle_id    BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE RESTRICT,
    name        TEXT        NOT NULL,
    -- The leader, a standing member of the discipline commission (纪委常委), by token subject.
    leader_sub  TEXT        NOT NULL,
    leader_name TEXT        NOT NULL,
    version     INTEGER     NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT inspection_teams_cycle_name_key UNIQUE (cycle_id, name),
    CONSTRAINT inspection_teams_id_cycle_key UNIQUE (id, cycle_id)
);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES inspection_teams (id) ON DELETE CASCADE,
    sub     TEXT   NOT NULL,
    name    TEXT   NOT NULL,
    PRIMARY KEY (team_id, sub)
);
CREATE INDEX team_members_sub_idx ON team_members (sub);

-- Each assessed unit of a cycle is inspected by exactly one team of that same cycle.
CREATE TABLE team_units (
    cycle_id BIGINT NOT NULL,
    unit_id  BIGINT NOT NULL,
    team_id  BIGINT NOT NULL,
    assigned_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT team_units_pkey PRIMARY KEY (cycle_id, unit_id),
    CONSTRAINT team_units_cycle_unit_fkey FOREIGN KEY (cycle_id, unit_id)
        REFERENCES cycle_units (cycle_id, unit_id) ON DELETE CASCADE,
    CONSTRAINT team_units_team_fkey FOREIGN KEY (team_id, cycle_id)
        REFERENCES inspection_teams (id, cycle_id) ON DELETE CASCADE
);
CREATE INDEX team_units_team_idx ON team_units (team_id);
