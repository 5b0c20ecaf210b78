-- Rules that change on a date (issue 16): clock rules and routing rules carry the dates they
-- are in force, a calendar change may recur every year from its date on, and two clocks the
-- law sets are added: forwarding a denunciation outside the office's competence (Law on
-- Denunciations 25/2018/QH14 art. 24(2)) and feedback on administrative regulations (Decree
-- 20/2008/NĐ-CP art. 9(1)(d)), a category of its own.
-- SQLite cannot change a CHECK constraint in place: clock_rules is rebuilt as its documentation
-- says (https://sqlite.org/lang_altertable.html#otheralter), with foreign keys off (db::migrate).
CREATE TABLE clock_rules_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'denunciation', 'recommendation', 'feedback')),
    clock TEXT NOT NULL CHECK (clock IN ('accept', 'initial_processing', 'acknowledge', 'answer', 'resolve', 'notify', 'forward')),
    starts TEXT NOT NULL CHECK (starts IN ('receipt', 'acceptance', 'not_competent')),
    second_time BOOLEAN,
    remote BOOLEAN,
    complexity TEXT CHECK (complexity IN ('normal', 'complex', 'especially_complex')),
    province_code TEXT REFERENCES provinces (code),
    category_code TEXT REFERENCES categories (code),
    days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 3650),
    day_type TEXT NOT NULL CHECK (day_type IN ('calendar', 'working')),
    max_extensions INTEGER NOT NULL CHECK (max_extensions BETWEEN 0 AND 10),
    extension_days INTEGER NOT NULL CHECK (extension_days BETWEEN 0 AND 3650),
    legal_basis TEXT NOT NULL,
    supersedes BIGINT REFERENCES clock_rules (id),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP,
    effective_from DATE,
    effective_to DATE,
    CHECK (effective_to IS NULL OR effective_from IS NULL OR effective_from < effective_to)
);

INSERT INTO clock_rules_new (id, kind, clock, starts, second_time, remote, complexity, province_code, category_code, days, day_type, max_extensions, extension_days, legal_basis, supersedes, created_by, created_at, retired_at)
SELECT id, kind, clock, starts, second_time, remote, complexity, province_code, category_code, days, day_type, max_extensions, extension_days, legal_basis, supersedes, created_by, created_at, retired_at FROM clock_rules;

UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'clock_rules')
WHERE name = 'clock_rules_new';

DROP TABLE clock_rules;
ALTER TABLE clock_rules_new RENAME TO clock_rules;

INSERT INTO categories (code, name_vi, name_en, position) VALUES
    ('administrative_regulations', 'Quy định hành chính', 'Administrative regulations', 11);
UPDATE categories SET position = 12 WHERE code = 'other';

ALTER TABLE routing_rules ADD COLUMN effective_from DATE;
ALTER TABLE routing_rules ADD COLUMN effective_to DATE;

ALTER TABLE calendar_changes ADD COLUMN recurring BOOLEAN NOT NULL DEFAULT FALSE;
