-- Publication snapshots (issue 15 item 4): each publication of a cycle's results stores every
-- result as it was (scores, ranks, names, bands and grades), numbered 1, 2, ... per cycle; a
-- republication after the office reopened the cycle is a new version, and earlier versions stay
-- readable. Both tables are append-only, even for the owner (cycles are never deleted).

-- What the publication shows, set during `review` by `PUT …/publication` beside the existing
-- `publication_scope` and `units_see_leader_grades`.
ALTER TABLE result_settings
    -- Whether inspectors see the whole ranking, not only their teams' units.
    ADD COLUMN inspectors_see_ranking BOOLEAN NOT NULL DEFAULT false,
    -- 文号 of the publication notice; publication needs it.
    ADD COLUMN document_ref           TEXT;

CREATE TABLE publications (
    id                      BIGSERIAL   PRIMARY KEY,
    cycle_id                BIGINT      NOT NULL REFERENCES assessment_cycles (id),
    version                 INTEGER     NOT NULL,
    published_at            TIMESTAMPTZ NOT NULL,
    published_by            TEXT        NOT NULL,
    published_by_name       TEXT        NOT NULL,
    document_ref            TEXT        NOT NULL,
    -- The scope settings as they were.
    publication_scope       TEXT        NOT NULL,
    units_see_leader_grades BOOLEAN     NOT NULL,
    inspectors_see_ranking  BOOLEAN     NOT NULL,
    -- The note of the transition (why a republication).
    note                    TEXT,
    CONSTRAINT publications_cycle_version_key UNIQUE (cycle_id, version),
    CONSTRAINT publications_version_check CHECK (version >= 1),
    CONSTRAINT publications_scope_check CHECK (publication_scope IN ('own', 'kind', 'all'))
);

-- One unit's result in one publication: an assessed unit (ranked) or a vertical unit's fallback.
-- What an incomplete unit lacked follows from its missing scores, as in the live results.
CREATE TABLE publication_results (
    publication_id     BIGINT       NOT NULL REFERENCES publications (id),
    unit_id            BIGINT       NOT NULL,
    unit_name          TEXT         NOT NULL,
    unit_kind          TEXT         NOT NULL,
    status             TEXT         NOT NULL,
    special_score      NUMERIC(5,2),
    routine_score      NUMERIC(5,2),
    -- The ranked total, or the fallback's value; none where not ranked.
    total              NUMERIC(6,2),
    owes_rectification BOOLEAN,
    rank_in_kind       BIGINT,
    rank_overall       BIGINT,
    band               TEXT,
    vetoed             BOOLEAN      NOT NULL,
    band_capped        BOOLEAN      NOT NULL,
    -- [{leader_id, leader_name, grade}], or null for a vertical unit.
    leader_grades      JSONB,
    -- {source, document_ref} of a vertical unit's fallback.
    fallback           JSONB,
    PRIMARY KEY (publication_id, unit_id),
    CONSTRAINT publication_results_status_check CHECK (
        status IN ('complete', 'incomplete', 'fallback'))
);

CREATE FUNCTION publications_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TRIGGER publications_no_update_delete
    BEFORE UPDATE OR DELETE ON publications
    FOR EACH ROW EXECUTE FUNCTION publications_append_only();
CREATE TRIGGER publications_no_truncate
    BEFORE TRUNCATE ON publications
    FOR EACH STATEMENT EXECUTE FUNCTION publications_append_only();
CREATE TRIGGER publication_results_no_update_delete
    BEFORE UPDATE OR DELETE ON publication_results
    FOR EACH ROW EXECUTE FUNCTION publications_append_only();
CREATE TRIGGER publication_results_no_truncate
    BEFORE TRUNCATE ON publication_results
    FOR EACH STATEMENT EXECUTE FUNCTION publications_append_only();
