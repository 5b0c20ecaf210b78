-- A denunciation without a way to reach the denouncer waits as `incomplete` (Law on
-- Denunciations 25/2018/QH14 art. 23(1)) instead of being refused.
ALTER TABLE petitions DROP CONSTRAINT petitions_status_check;
ALTER TABLE petitions ADD CONSTRAINT petitions_status_check
    CHECK (status IN ('incomplete', 'received', 'accepted', 'rejected', 'answered', 'closed', 'withdrawn'));
