-- The province's results for the benchmark's ranking: the cycle opened through the API (which
-- snapshots the 20,000 units) gets here, for every assessed unit, a final sheet (full marks on
-- its form) and a routine score from 5.00 to 9.99, so that the totals spread and tie as a real
-- ranking does; then it is published: version 1 of its results, each unit with its 6 leaders'
-- grades, as `ops::snapshots::take` would store them (the service reads a published cycle's
-- results from there). Load, not history: no audit records, no transitions, no decisions.
-- psql -v cycle=<id>.
BEGIN;
UPDATE assessment_cycles SET state = 'review' WHERE id = :cycle;
INSERT INTO scoring_records (cycle_id, unit_id, status)
SELECT cycle_id, unit_id, 'final' FROM cycle_units WHERE cycle_id = :cycle AND status = 'assessed';
INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by)
SELECT cycle_id, unit_id, 5.00 + (unit_id % 500) / 100.0, '基准数据', 'bench'
  FROM cycle_units WHERE cycle_id = :cycle AND status = 'assessed';
UPDATE result_settings SET document_ref = '某省纪通〔2014〕1号' WHERE cycle_id = :cycle;
UPDATE assessment_cycles SET state = 'published' WHERE id = :cycle;
INSERT INTO publications (cycle_id, version, published_at, published_by, published_by_name,
                          document_ref, publication_scope, units_see_leader_grades,
                          inspectors_see_ranking)
VALUES (:cycle, 1, now(), 'bench-office', '基准数据', '某省纪通〔2014〕1号', 'own', false, false);
WITH c AS (
    SELECT special_weight, routine_weight, rectification_line
      FROM assessment_cycles WHERE id = :cycle
), scored AS (
    SELECT cu.unit_id, u.name, u.kind, f.score AS special, r.score AS routine,
           round(f.score * c.special_weight / 100 + r.score * c.routine_weight / 10, 2) AS total,
           c.rectification_line
      FROM cycle_units cu CROSS JOIN c
      JOIN units u ON u.id = cu.unit_id
      JOIN (SELECT sf.form_kind, sum(fi.max_points) AS score
              FROM scoring_forms sf JOIN form_items fi ON fi.form_id = sf.id
             WHERE sf.cycle_id = :cycle GROUP BY sf.form_kind) f ON f.form_kind = cu.form_kind
      JOIN routine_scores r ON r.cycle_id = cu.cycle_id AND r.unit_id = cu.unit_id
     WHERE cu.cycle_id = :cycle AND cu.status = 'assessed'
)
INSERT INTO publication_results (publication_id, unit_id, unit_name, unit_kind, status,
    special_score, routine_score, total, owes_rectification, rank_in_kind, rank_overall, band,
    vetoed, band_capped, leader_grades, fallback)
SELECT currval('publications_id_seq'), s.unit_id, s.name, s.kind, 'complete', s.special,
       s.routine, s.total, s.total <= s.rectification_line,
       rank() OVER (PARTITION BY s.kind ORDER BY s.total DESC),
       rank() OVER (ORDER BY s.total DESC), NULL, false, false,
       (SELECT jsonb_agg(jsonb_build_object('leader_id', l.id, 'leader_name', l.name,
                                            'grade', 'good') ORDER BY l.id)
          FROM leaders l WHERE l.unit_id = s.unit_id),
       NULL
  FROM scored s;
COMMIT;
ANALYZE scoring_records;
ANALYZE routine_scores;
ANALYZE cycle_units;
ANALYZE publication_results;
