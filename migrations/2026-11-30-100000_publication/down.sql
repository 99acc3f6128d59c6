DELETE FROM attachments WHERE owner_kind = 'cycle_decision';
ALTER TABLE attachments DROP CONSTRAINT attachments_owner_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_owner_kind_check
    CHECK (owner_kind IN ('self_inspection', 'accountability_report'));
DROP TABLE cycle_decision_unit_opinions;
DROP TABLE cycle_decisions;
