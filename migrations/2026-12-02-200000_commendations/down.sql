DROP TABLE result_acknowledgements;
DROP TABLE commendations;
