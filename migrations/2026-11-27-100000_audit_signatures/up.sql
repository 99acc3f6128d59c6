-- Every audit record is signed with a key kept outside the database (issue 9): the key's id
-- and the base64 signature of the record's hash. Rows written before carry neither and fail
-- `lianzheng audit verify`; the demo data is re-seeded, which signs.
ALTER TABLE audit_log ADD COLUMN key_id TEXT, ADD COLUMN signature TEXT;
