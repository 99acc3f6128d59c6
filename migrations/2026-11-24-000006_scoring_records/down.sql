DROP TABLE reopenings;
DROP TABLE signatures;
DROP TABLE team_reports;
DROP TABLE referrals;
DROP TABLE record_items;
DROP TABLE scoring_records;
