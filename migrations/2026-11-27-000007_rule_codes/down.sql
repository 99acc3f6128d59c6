ALTER TABLE signatures
    DROP CONSTRAINT signatures_canonical_version_check,
    DROP COLUMN canonical_version;

-- `rule_code` back to the rule's index in its form item (found through the sheet's unit's form).
UPDATE record_items
   SET deductions = (
       SELECT coalesce(jsonb_agg(
                  CASE WHEN d ? 'rule_code' THEN
                      (d - 'rule_code') || jsonb_build_object('rule',
                          (SELECT rn - 1
                             FROM scoring_records s
                             JOIN cycle_units cu
                               ON cu.cycle_id = s.cycle_id AND cu.unit_id = s.unit_id
                             JOIN scoring_forms f
                               ON f.cycle_id = s.cycle_id AND f.form_kind = cu.form_kind
                             JOIN form_items i
                               ON i.form_id = f.id AND i.code = record_items.item_code,
                                  jsonb_array_elements(i.rules) WITH ORDINALITY AS x(rule, rn)
                            WHERE s.id = record_items.record_id
                              AND x.rule ->> 'code' = d ->> 'rule_code'))
                  ELSE d END
                  ORDER BY n), '[]'::jsonb)
         FROM jsonb_array_elements(record_items.deductions) WITH ORDINALITY AS t(d, n));

UPDATE form_items
   SET rules = (
       SELECT coalesce(jsonb_agg(r - 'code' ORDER BY n), '[]'::jsonb)
         FROM jsonb_array_elements(form_items.rules) WITH ORDINALITY AS t(r, n));
