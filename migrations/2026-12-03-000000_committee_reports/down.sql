DROP TABLE committee_reports;
