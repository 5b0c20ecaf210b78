-- The workflow (DESIGN §3.3): what officials decide and answer, what citizens rate, and the
-- nearest running deadline of each petition, kept beside it so that an office's inbox sorts
-- by due date from an index.

ALTER TABLE petitions ADD COLUMN next_due_at TIMESTAMP;
ALTER TABLE petitions ADD COLUMN complexity TEXT CHECK (complexity IN ('normal', 'complex', 'especially_complex'));
UPDATE petitions SET next_due_at = (
    SELECT MIN(due_at) FROM petition_clocks c WHERE c.petition_id = petitions.id AND c.status = 'running'
);

CREATE INDEX petitions_inbox ON petitions (office_id, next_due_at, id);

ALTER TABLE petition_clocks ADD COLUMN extensions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE petition_clocks ADD COLUMN ended_at TIMESTAMP;

-- The office's official answer (văn bản trả lời, quyết định giải quyết).
CREATE TABLE petition_answers (
    petition_id BIGINT PRIMARY KEY REFERENCES petitions (id),
    body TEXT NOT NULL,
    decision_number TEXT,
    attachments TEXT NOT NULL,
    answered_by BIGINT NOT NULL REFERENCES users (id),
    answered_at TIMESTAMP NOT NULL
);

-- The citizen's rating of the answer.
CREATE TABLE petition_ratings (
    petition_id BIGINT PRIMARY KEY REFERENCES petitions (id),
    satisfied BOOLEAN NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    rated_at TIMESTAMP NOT NULL
);
