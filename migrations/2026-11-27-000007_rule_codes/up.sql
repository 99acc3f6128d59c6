-- Every deduction rule gets a stable code, and deductions cite it instead of an array index.
-- Existing rules, frozen forms included, are numbered after their item: 1.3-R1, 1.3-R2, ...
-- (the position they had, so every citation keeps pointing at the same rule).
UPDATE form_items
   SET rules = (
       SELECT coalesce(jsonb_agg(r || jsonb_build_object('code', form_items.code || '-R' || n)
                                 ORDER BY n), '[]'::jsonb)
         FROM jsonb_array_elements(form_items.rules) WITH ORDINALITY AS t(r, n));

-- A deduction's `rule` (an index from 0) becomes `rule_code`; a free deduction's null stays null.
UPDATE record_items
   SET deductions = (
       SELECT coalesce(jsonb_agg(
                  CASE WHEN d ? 'rule' THEN
                      (d - 'rule') || jsonb_build_object('rule_code',
                          CASE WHEN jsonb_typeof(d -> 'rule') = 'number'
                               THEN record_items.item_code || '-R' || ((d ->> 'rule')::int + 1)
                          END)
                  ELSE d END
                  ORDER BY n), '[]'::jsonb)
         FROM jsonb_array_elements(record_items.deductions) WITH ORDINALITY AS t(d, n));

-- Which canonical content a signature hashed: 1 cites rules by index, 2 by code (README,
-- "Signatures"). Every signature made before this migration is version 1.
ALTER TABLE signatures
    ADD COLUMN canonical_version INTEGER NOT NULL DEFAULT 1,
    ADD CONSTRAINT signatures_canonical_version_check CHECK (canonical_version IN (1, 2));
