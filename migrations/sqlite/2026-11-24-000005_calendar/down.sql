DROP TABLE office_notices;
DROP INDEX petition_clocks_sweep;
ALTER TABLE petition_clocks DROP COLUMN missed_noted_at;
ALTER TABLE petition_clocks DROP COLUMN approaching_noted_at;
ALTER TABLE communes DROP COLUMN remote;
DROP TABLE calendar_changes;
