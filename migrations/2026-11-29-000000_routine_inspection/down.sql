-- Rolling back drops the routine inspection with its visits' signatures and reopenings.
DELETE FROM signatures WHERE document_kind = 'routine_visit';
DELETE FROM reopenings WHERE document_kind = 'routine_visit';
ALTER TABLE signatures DROP CONSTRAINT signatures_role_check;
ALTER TABLE signatures ADD CONSTRAINT signatures_role_check
    CHECK (signer_role IN ('leader', 'member'));
ALTER TABLE signatures DROP CONSTRAINT signatures_kind_check;
ALTER TABLE signatures ADD CONSTRAINT signatures_kind_check
    CHECK (document_kind IN ('scoring_record', 'team_report'));
DROP TABLE routine_scores;
DROP TABLE routine_visits;
DROP TABLE routine_draws;
DROP TABLE routine_targets;
DROP TABLE routine_plans;
