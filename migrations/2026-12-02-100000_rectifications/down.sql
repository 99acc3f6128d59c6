DELETE FROM document_versions WHERE document_kind = 'rectification';
ALTER TABLE document_versions DROP CONSTRAINT document_versions_kind_check;
ALTER TABLE document_versions ADD CONSTRAINT document_versions_kind_check CHECK (document_kind IN
    ('self_inspection', 'accountability_report'));
DELETE FROM attachments WHERE owner_kind = 'rectification';
ALTER TABLE attachments DROP CONSTRAINT attachments_owner_kind_check;
ALTER TABLE attachments ADD CONSTRAINT attachments_owner_kind_check CHECK (owner_kind IN
    ('self_inspection', 'accountability_report', 'cycle_decision'));
DROP TABLE rectifications;
ALTER TABLE result_settings DROP COLUMN rectification_days;
