-- Fails while a rule uses the new clock or start.
CREATE TABLE clock_rules_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'denunciation', 'recommendation', 'feedback')),
    clock TEXT NOT NULL CHECK (clock IN ('accept', 'initial_processing', 'acknowledge', 'answer', 'resolve', 'notify')),
    starts TEXT NOT NULL CHECK (starts IN ('receipt', 'acceptance')),
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
    retired_at TIMESTAMP
);

INSERT INTO clock_rules_new (id, kind, clock, starts, second_time, remote, complexity, province_code, category_code, days, day_type, max_extensions, extension_days, legal_basis, supersedes, created_by, created_at, retired_at)
SELECT id, kind, clock, starts, second_time, remote, complexity, province_code, category_code, days, day_type, max_extensions, extension_days, legal_basis, supersedes, created_by, created_at, retired_at FROM clock_rules;

UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'clock_rules')
WHERE name = 'clock_rules_new';

DROP TABLE clock_rules;
ALTER TABLE clock_rules_new RENAME TO clock_rules;

ALTER TABLE calendar_changes DROP COLUMN recurring;
ALTER TABLE routing_rules DROP COLUMN effective_to;
ALTER TABLE routing_rules DROP COLUMN effective_from;
UPDATE categories SET position = 10 WHERE code = 'other';
DELETE FROM categories WHERE code = 'administrative_regulations';
