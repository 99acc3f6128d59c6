-- The province's results for the benchmark's ranking: the cycle opened through the API (which
-- snapshots the 20,000 units) is moved to review here, and every assessed unit gets a final
-- sheet (full marks on its form) and a routine score from 5.00 to 9.99, so that the totals
-- spread and tie as a real ranking does. Load, not history: no audit records, no transitions.
-- psql -v cycle=<id>.
BEGIN;
UPDATE assessment_cycles SET state = 'review' WHERE id = :cycle;
INSERT INTO scoring_records (cycle_id, unit_id, status)
SELECT cycle_id, unit_id, 'final' FROM cycle_units WHERE cycle_id = :cycle AND status = 'assessed';
INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by)
SELECT cycle_id, unit_id, 5.00 + (unit_id % 500) / 100.0, '基准数据', 'bench'
  FROM cycle_units WHERE cycle_id = :cycle AND status = 'assessed';
COMMIT;
ANALYZE scoring_records;
ANALYZE routine_scores;
ANALYZE cycle_units;
