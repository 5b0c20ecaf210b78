-- The legal clock (DESIGN §3.1, §3.2): admin changes to the working-day calendar, communes
-- flagged remote, and what the deadline sweeper has already announced for each clock.

-- One row per change to a day, never edited: any version of the calendar can be rebuilt, and
-- the calendar's revision is the newest id. Official days shipped with the code are not here.
CREATE TABLE calendar_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    day DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'working')),
    name TEXT NOT NULL,
    changed_by BIGINT REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL
);

CREATE TRIGGER calendar_changes_no_update BEFORE UPDATE ON calendar_changes
BEGIN
    SELECT RAISE(ABORT, 'calendar changes are append-only');
END;

CREATE TRIGGER calendar_changes_no_delete BEFORE DELETE ON calendar_changes
BEGIN
    SELECT RAISE(ABORT, 'calendar changes are append-only');
END;

-- Remote-area communes get the longer complaint periods (Law on Complaints art. 28, 37).
ALTER TABLE communes ADD COLUMN remote BOOLEAN NOT NULL DEFAULT FALSE;

-- When the sweeper announced a clock as approaching its due time, and as missed; each once.
ALTER TABLE petition_clocks ADD COLUMN approaching_noted_at TIMESTAMP;
ALTER TABLE petition_clocks ADD COLUMN missed_noted_at TIMESTAMP;

-- The sweeper reads running clocks not yet announced missed, by due time: its cost follows the
-- clocks coming due, not the petitions stored.
CREATE INDEX petition_clocks_sweep ON petition_clocks (status, missed_noted_at, due_at);

-- Offices told of something they must act on: an overdue denunciation reported to the
-- superior office (Law on Denunciations 25/2018/QH14 art. 38).
CREATE TABLE office_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    office_id BIGINT NOT NULL REFERENCES offices (id),
    petition_id BIGINT NOT NULL REFERENCES petitions (id),
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX office_notices_by_office ON office_notices (office_id, id);
