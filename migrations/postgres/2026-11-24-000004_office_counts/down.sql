DROP TABLE office_status_counts;
