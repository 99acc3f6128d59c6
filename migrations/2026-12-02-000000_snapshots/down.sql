DROP TABLE publication_results;
DROP TABLE publications;
DROP FUNCTION publications_append_only();
ALTER TABLE result_settings DROP COLUMN document_ref, DROP COLUMN inspectors_see_ranking;
