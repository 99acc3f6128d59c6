-- The office's report to the county committee (issue 16 item 6; plan §5(五)): the three texts
-- the office writes (overall evaluation, problems, advice), one report a cycle. The figures
-- beside them are read from the results when asked, never stored. A cycle has no row until
-- the office first writes its report (version 0 then, in the `ETag`).

CREATE TABLE committee_reports (
    cycle_id           BIGINT      PRIMARY KEY REFERENCES assessment_cycles (id) ON DELETE CASCADE,
    overall_evaluation TEXT,
    problems           TEXT,
    advice             TEXT,
    version            INTEGER     NOT NULL DEFAULT 1,
    updated_by         TEXT        NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
