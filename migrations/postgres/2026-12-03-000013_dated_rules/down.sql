ALTER TABLE clock_rules DROP CONSTRAINT clock_rules_effective_check;
ALTER TABLE clock_rules DROP COLUMN effective_to;
ALTER TABLE clock_rules DROP COLUMN effective_from;
ALTER TABLE clock_rules DROP CONSTRAINT clock_rules_starts_check;
ALTER TABLE clock_rules ADD CONSTRAINT clock_rules_starts_check CHECK (starts IN ('receipt', 'acceptance'));
ALTER TABLE clock_rules DROP CONSTRAINT clock_rules_clock_check;
ALTER TABLE clock_rules ADD CONSTRAINT clock_rules_clock_check CHECK (clock IN ('accept', 'initial_processing', 'acknowledge', 'answer', 'resolve', 'notify'));

ALTER TABLE calendar_changes DROP COLUMN recurring;
ALTER TABLE routing_rules DROP COLUMN effective_to;
ALTER TABLE routing_rules DROP COLUMN effective_from;
UPDATE categories SET position = 10 WHERE code = 'other';
DELETE FROM categories WHERE code = 'administrative_regulations';
