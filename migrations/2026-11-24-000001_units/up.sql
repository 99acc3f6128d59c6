-- Units (被考核单位) and their leadership team members (班子成员). Plan §1.

CREATE TABLE units (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT        NOT NULL,
    kind           TEXT        NOT NULL,
    contact_person TEXT,
    contact_phone  TEXT,
    address        TEXT,
    email          TEXT,
    archived_at    TIMESTAMPTZ,
    version        INTEGER     NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT units_kind_check CHECK (kind IN ('town', 'county_department', 'county_enterprise', 'vertical')),
    CONSTRAINT units_name_not_blank CHECK (length(btrim(name)) > 0)
);

-- A name is unique among the units that are not archived: an archived unit frees its name.
CREATE UNIQUE INDEX units_name_active_key ON units (name) WHERE archived_at IS NULL;
CREATE INDEX units_kind_idx ON units (kind);

CREATE TABLE leaders (
    id                   BIGSERIAL PRIMARY KEY,
    unit_id              BIGINT      NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    name                 TEXT        NOT NULL,
    position             TEXT        NOT NULL,
    is_first_responsible BOOLEAN     NOT NULL DEFAULT FALSE,
    version              INTEGER     NOT NULL DEFAULT 1,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT leaders_name_not_blank CHECK (length(btrim(name)) > 0)
);

CREATE INDEX leaders_unit_id_idx ON leaders (unit_id);
