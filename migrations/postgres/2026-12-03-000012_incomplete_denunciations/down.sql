-- Back to the six states; fails while a petition is incomplete.
ALTER TABLE petitions DROP CONSTRAINT petitions_status_check;
ALTER TABLE petitions ADD CONSTRAINT petitions_status_check
    CHECK (status IN ('received', 'accepted', 'rejected', 'answered', 'closed', 'withdrawn'));
