DROP INDEX task_states_live_scope;
