-- Democratic evaluation (民主测评, form 3): rounds of anonymous ballots grading a unit's leaders,
-- one-time ballot codes, paper tallies, and the office's final leader grades (plan §4).

-- The cycle's evaluation settings, one row per cycle. They were added after the draft stage,
-- so existing cycles get the defaults, and they may change until the cycle's first round opens
-- (DOMAIN.md, "Settings added after the draft stage"). A new cycle gets its row with it.
CREATE TABLE evaluation_settings (
    cycle_id                BIGINT       PRIMARY KEY REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    coefficient_good        NUMERIC(3,2) NOT NULL DEFAULT 1.00,
    coefficient_fairly_good NUMERIC(3,2) NOT NULL DEFAULT 0.80,
    coefficient_average     NUMERIC(3,2) NOT NULL DEFAULT 0.60,
    coefficient_poor        NUMERIC(3,2) NOT NULL DEFAULT 0.40,
    min_ballots             INTEGER      NOT NULL DEFAULT 10,
    failure_budget          INTEGER      NOT NULL DEFAULT 50,
    -- The grade proposal rule: shares as exact fractions, the score threshold as a decimal.
    rule                    JSONB        NOT NULL DEFAULT
        '{"good_min_good_share": {"numerator": 3, "denominator": 5},
          "good_max_poor_share": {"numerator": 1, "denominator": 10},
          "poor_above_poor_share": {"numerator": 1, "denominator": 3},
          "fairly_good_min_score": "0.80"}',
    version                 INTEGER      NOT NULL DEFAULT 1,
    updated_at              TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT evaluation_settings_coefficients_check CHECK (
        coefficient_good BETWEEN 0 AND 1 AND coefficient_fairly_good BETWEEN 0 AND 1
        AND coefficient_average BETWEEN 0 AND 1 AND coefficient_poor BETWEEN 0 AND 1),
    CONSTRAINT evaluation_settings_counts_check CHECK (min_ballots >= 1 AND failure_budget >= 1)
);
INSERT INTO evaluation_settings (cycle_id) SELECT id FROM assessment_cycles;

CREATE FUNCTION evaluation_settings_for_new_cycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO evaluation_settings (cycle_id) VALUES (NEW.id);
    RETURN NEW;
END
$$;
CREATE TRIGGER assessment_cycles_evaluation_settings AFTER INSERT ON assessment_cycles
    FOR EACH ROW EXECUTE FUNCTION evaluation_settings_for_new_cycle();

-- A round of ballots for one unit's leaders in one cycle. At most one is open (or suspended)
-- per unit at a time. Its codes start with its `tag`, so a failed code counts against it.
CREATE TABLE evaluation_rounds (
    id                     BIGSERIAL   PRIMARY KEY,
    cycle_id               BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    unit_id                BIGINT      NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    tag                    TEXT        NOT NULL,
    title                  TEXT        NOT NULL,
    state                  TEXT        NOT NULL DEFAULT 'open',
    -- [{"category": "staff_representative", "slips": 30}, ...]
    categories             JSONB       NOT NULL,
    codes_issued           INTEGER     NOT NULL DEFAULT 0,
    failed_attempts        INTEGER     NOT NULL DEFAULT 0,
    -- Counted when the round closes (a vote writes nothing but its ballot).
    online_ballots         INTEGER     NOT NULL DEFAULT 0,
    paper_forms_handed_out INTEGER     NOT NULL DEFAULT 0,
    paper_forms_returned   INTEGER     NOT NULL DEFAULT 0,
    closed_at              TIMESTAMPTZ,
    version                INTEGER     NOT NULL DEFAULT 1,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT evaluation_rounds_tag_key UNIQUE (tag),
    CONSTRAINT evaluation_rounds_state_check CHECK (state IN ('open', 'suspended', 'closed')),
    CONSTRAINT evaluation_rounds_counts_check CHECK (
        codes_issued >= 0 AND failed_attempts >= 0 AND online_ballots >= 0
        AND paper_forms_returned >= 0 AND paper_forms_returned <= paper_forms_handed_out),
    CONSTRAINT evaluation_rounds_closed_check CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX evaluation_rounds_one_open_key ON evaluation_rounds (cycle_id, unit_id)
    WHERE state <> 'closed';
CREATE INDEX evaluation_rounds_unit_idx ON evaluation_rounds (unit_id, cycle_id, id);

-- The leaders on a round's ballot, frozen when it opens (no foreign key to `leaders`: a leader
-- removed later stays on the round as they were).
CREATE TABLE evaluation_round_leaders (
    round_id  BIGINT  NOT NULL REFERENCES evaluation_rounds (id) ON DELETE CASCADE,
    leader_id BIGINT  NOT NULL,
    ordinal   INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    position  TEXT    NOT NULL,
    PRIMARY KEY (round_id, leader_id)
);

-- Unused one-time codes, as HMAC-SHA256 keyed hashes (the key is not in the database). A code
-- is deleted by the vote that uses it; the rest are deleted when the round closes.
CREATE TABLE ballot_codes (
    code_hash TEXT   PRIMARY KEY,
    round_id  BIGINT NOT NULL REFERENCES evaluation_rounds (id) ON DELETE CASCADE
);
CREATE INDEX ballot_codes_round_idx ON ballot_codes (round_id);

-- Online ballots. No code, no address, no time, no sequential id: a random id, the round, the
-- participant's category, a grade per leader ({"<leader_id>": "good", ...}) and a comment.
-- Closing the round rewrites them in a shuffled order, in one transaction.
CREATE TABLE evaluation_ballots (
    id       UUID   PRIMARY KEY DEFAULT gen_random_uuid(),
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds (id) ON DELETE CASCADE,
    category TEXT   NOT NULL,
    grades   JSONB  NOT NULL,
    comment  TEXT,
    CONSTRAINT evaluation_ballots_category_check CHECK (category IN
        ('leadership_member', 'middle_manager', 'staff_representative', 'service_recipient'))
);
CREATE INDEX evaluation_ballots_round_idx ON evaluation_ballots (round_id);

-- Counts from paper forms (form 3), per leader and category, kept apart from online ballots.
CREATE TABLE evaluation_paper_counts (
    round_id    BIGINT  NOT NULL,
    leader_id   BIGINT  NOT NULL,
    category    TEXT    NOT NULL,
    good        INTEGER NOT NULL,
    fairly_good INTEGER NOT NULL,
    average     INTEGER NOT NULL,
    poor        INTEGER NOT NULL,
    unknown     INTEGER NOT NULL,
    PRIMARY KEY (round_id, leader_id, category),
    FOREIGN KEY (round_id, leader_id)
        REFERENCES evaluation_round_leaders (round_id, leader_id) ON DELETE CASCADE,
    CONSTRAINT evaluation_paper_counts_category_check CHECK (category IN
        ('leadership_member', 'middle_manager', 'staff_representative', 'service_recipient')),
    CONSTRAINT evaluation_paper_counts_check CHECK (
        good >= 0 AND fairly_good >= 0 AND average >= 0 AND poor >= 0 AND unknown >= 0)
);

-- Failed code attempts per client, in fixed windows, for the rate limit. The client is a keyed
-- hash of its address, never the address; a vote never writes here.
CREATE TABLE ballot_failures (
    client_key   TEXT        NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    failures     INTEGER     NOT NULL,
    PRIMARY KEY (client_key, window_start)
);

-- The office's final grade of each leader for the cycle (plan §4), with the proposal it was
-- set against and the reason when it differs.
CREATE TABLE leader_grades (
    cycle_id       BIGINT      NOT NULL REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    unit_id        BIGINT      NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    leader_id      BIGINT      NOT NULL,
    leader_name    TEXT        NOT NULL,
    grade          TEXT        NOT NULL,
    proposed_grade TEXT,
    round_id       BIGINT      REFERENCES evaluation_rounds (id) ON DELETE SET NULL,
    reason         TEXT,
    set_by         TEXT        NOT NULL,
    set_by_name    TEXT        NOT NULL,
    version        INTEGER     NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, unit_id, leader_id),
    CONSTRAINT leader_grades_grade_check CHECK (grade IN ('good', 'fairly_good', 'average', 'poor')),
    CONSTRAINT leader_grades_proposed_check CHECK (proposed_grade IN
        ('good', 'fairly_good', 'average', 'poor')),
    CONSTRAINT leader_grades_reason_check CHECK (
        reason IS NOT NULL OR (proposed_grade IS NOT NULL AND grade = proposed_grade))
);
