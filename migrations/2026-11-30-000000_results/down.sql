DROP TABLE fallback_results;
DROP TABLE veto_events;
DROP TABLE grade_bands;
DROP TRIGGER assessment_cycles_result_settings ON assessment_cycles;
DROP FUNCTION result_settings_for_new_cycle();
DROP TABLE result_settings;
