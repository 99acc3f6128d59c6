DROP TABLE leaders;
DROP TABLE units;
