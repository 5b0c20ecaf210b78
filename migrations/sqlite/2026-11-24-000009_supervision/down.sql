DROP INDEX petitions_overdue_by_province;
DROP INDEX petitions_overdue;
DROP TABLE supervision_request_petitions;
DROP TABLE supervision_requests;
