DROP TABLE document_versions;
DROP TABLE accountability_reports;
DROP TABLE self_scores;
DROP TABLE self_inspections;
DROP TABLE attachments;
