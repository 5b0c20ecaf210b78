DROP TABLE petition_ratings;
DROP TABLE petition_answers;
DROP INDEX petitions_inbox;
ALTER TABLE petition_clocks DROP COLUMN ended_at;
ALTER TABLE petition_clocks DROP COLUMN extensions;
ALTER TABLE petitions DROP COLUMN complexity;
ALTER TABLE petitions DROP COLUMN next_due_at;
