-- Oversight (DESIGN §3.8): supervision requests (kiến nghị giám sát) that Fatherland Front
-- supervisors file with an office, each with its own clock (DESIGN §3.1), answered once; and
-- the indexes behind the overdue queue of a supervisor's scope.

-- A request is never deleted, and changes once only: when the office answers it, from open to
-- answered, with the answer; what was filed stays as filed.
CREATE TABLE supervision_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    office_id BIGINT NOT NULL REFERENCES offices (id),
    filed_by BIGINT NOT NULL REFERENCES users (id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    filed_at TIMESTAMP NOT NULL,
    -- The end of the last working day of the reply period, and how it was counted.
    due_at TIMESTAMP NOT NULL,
    reply_days INTEGER NOT NULL CHECK (reply_days > 0),
    calendar_version TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    reply_body TEXT,
    replied_at TIMESTAMP,
    replied_by BIGINT REFERENCES users (id),
    CHECK ((status = 'open') = (reply_body IS NULL AND replied_at IS NULL AND replied_by IS NULL)),
    CHECK ((status = 'answered') = (reply_body IS NOT NULL AND replied_at IS NOT NULL AND replied_by IS NOT NULL))
);

-- An office's requests, open first and oldest due first, from the index.
CREATE INDEX supervision_requests_inbox ON supervision_requests (office_id, status, due_at, id);

CREATE TRIGGER supervision_requests_no_delete BEFORE DELETE ON supervision_requests
BEGIN
    SELECT RAISE(ABORT, 'supervision requests are kept');
END;

CREATE TRIGGER supervision_requests_answered_once BEFORE UPDATE ON supervision_requests
WHEN OLD.status <> 'open' OR NEW.status <> 'answered'
    OR NEW.id IS NOT OLD.id OR NEW.office_id IS NOT OLD.office_id
    OR NEW.filed_by IS NOT OLD.filed_by OR NEW.subject IS NOT OLD.subject
    OR NEW.body IS NOT OLD.body OR NEW.filed_at IS NOT OLD.filed_at
    OR NEW.due_at IS NOT OLD.due_at OR NEW.reply_days IS NOT OLD.reply_days
    OR NEW.calendar_version IS NOT OLD.calendar_version
BEGIN
    SELECT RAISE(ABORT, 'a supervision request changes once, when it is answered');
END;

-- The petitions a request names, in the order named; never changed.
CREATE TABLE supervision_request_petitions (
    request_id BIGINT NOT NULL REFERENCES supervision_requests (id),
    position INTEGER NOT NULL,
    petition_id BIGINT NOT NULL REFERENCES petitions (id),
    PRIMARY KEY (request_id, position),
    UNIQUE (request_id, petition_id)
);

CREATE INDEX supervision_request_petitions_by_petition ON supervision_request_petitions (petition_id);

CREATE TRIGGER supervision_request_petitions_no_update BEFORE UPDATE ON supervision_request_petitions
BEGIN
    SELECT RAISE(ABORT, 'supervision request petitions are append-only');
END;

CREATE TRIGGER supervision_request_petitions_no_delete BEFORE DELETE ON supervision_request_petitions
BEGIN
    SELECT RAISE(ABORT, 'supervision request petitions are append-only');
END;

-- A supervisor's overdue queue: petitions past their nearest running deadline, oldest first,
-- in a province (a commune's scope walks its province's) or the whole nation.
CREATE INDEX petitions_overdue ON petitions (next_due_at, id);
CREATE INDEX petitions_overdue_by_province ON petitions (province_code, next_due_at, id);
