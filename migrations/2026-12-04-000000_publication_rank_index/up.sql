-- Published results are read from their snapshot (issue 18): one page of a publication's units
-- by rank is an index range, whatever the number of units.
CREATE INDEX publication_results_rank_idx
    ON publication_results (publication_id, total DESC NULLS LAST, unit_id);
