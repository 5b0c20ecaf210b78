-- Rules that change on a date (issue 16): clock rules and routing rules carry the dates they
-- are in force, a calendar change may recur every year from its date on, and two clocks the
-- law sets are added: forwarding a denunciation outside the office's competence (Law on
-- Denunciations 25/2018/QH14 art. 24(2)) and feedback on administrative regulations (Decree
-- 20/2008/NĐ-CP art. 9(1)(d)), a category of its own.
ALTER TABLE clock_rules DROP CONSTRAINT clock_rules_clock_check;
ALTER TABLE clock_rules ADD CONSTRAINT clock_rules_clock_check CHECK (clock IN ('accept', 'initial_processing', 'acknowledge', 'answer', 'resolve', 'notify', 'forward'));
ALTER TABLE clock_rules DROP CONSTRAINT clock_rules_starts_check;
ALTER TABLE clock_rules ADD CONSTRAINT clock_rules_starts_check CHECK (starts IN ('receipt', 'acceptance', 'not_competent'));
ALTER TABLE clock_rules ADD COLUMN effective_from DATE;
ALTER TABLE clock_rules ADD COLUMN effective_to DATE;
ALTER TABLE clock_rules ADD CONSTRAINT clock_rules_effective_check
    CHECK (effective_to IS NULL OR effective_from IS NULL OR effective_from < effective_to);

INSERT INTO categories (code, name_vi, name_en, position) VALUES
    ('administrative_regulations', 'Quy định hành chính', 'Administrative regulations', 11);
UPDATE categories SET position = 12 WHERE code = 'other';

ALTER TABLE routing_rules ADD COLUMN effective_from DATE;
ALTER TABLE routing_rules ADD COLUMN effective_to DATE;

ALTER TABLE calendar_changes ADD COLUMN recurring BOOLEAN NOT NULL DEFAULT FALSE;
