-- Rolling back drops the outbox and the task states, delivered or not.
DROP TABLE task_events;
DROP TABLE task_states;
