DROP INDEX petition_clocks_by_rule;
ALTER TABLE petition_clocks DROP COLUMN rule_id;
DROP TABLE clock_rules;
