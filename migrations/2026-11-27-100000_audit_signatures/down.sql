-- The trigger refuses UPDATE and DELETE, not DDL: the owner can drop the columns.
ALTER TABLE audit_log DROP COLUMN signature, DROP COLUMN key_id;
