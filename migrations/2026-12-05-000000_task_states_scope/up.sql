-- The live task states of one unit in one cycle, and the cycle's own (no unit): what a write
-- scoped to that unit compares (ops/outbox.rs, `Scope::Unit`), without reading every live row.
CREATE INDEX task_states_live_scope ON task_states (cycle_id, unit_id) WHERE state <> 'done';
