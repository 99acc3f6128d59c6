DROP TABLE form_items;
DROP TABLE scoring_forms;
DROP TABLE cycle_units;
DROP TABLE cycle_deadline_extensions;
DROP TABLE cycle_transitions;
DROP TABLE assessment_cycles;
