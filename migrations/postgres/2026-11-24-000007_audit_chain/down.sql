CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END $$;
DROP TABLE audit_checkpoints;
DROP FUNCTION audit_checkpoints_append_only;
DROP TABLE audit_head;
DROP INDEX events_by_seq;
ALTER TABLE events DROP COLUMN hash;
ALTER TABLE events DROP COLUMN prev_hash;
ALTER TABLE events DROP COLUMN seq;
