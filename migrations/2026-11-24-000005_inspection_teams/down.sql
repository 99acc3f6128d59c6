DROP TABLE team_units;
DROP TABLE team_members;
DROP TABLE inspection_teams;
