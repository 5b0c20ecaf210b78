-- The rule table of legal clocks (DESIGN §3.1) as data. Defaults are loaded from
-- src/data/clock-rules.csv on first start; admins add rules (a province's or a category's own
-- lengths) and change them. A change never edits a row: it retires it and inserts its
-- successor, so the rule behind every stored clock stays readable. The book's revision is the
-- newest id.
CREATE TABLE clock_rules (
    id BIGSERIAL PRIMARY KEY,
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

-- Which rule a clock was computed from, so that changing the rule finds its running clocks.
ALTER TABLE petition_clocks ADD COLUMN rule_id BIGINT REFERENCES clock_rules (id);
CREATE INDEX petition_clocks_by_rule ON petition_clocks (rule_id, status);
