-- Back to the six states; fails while a petition is incomplete.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt as its documentation
-- says (https://sqlite.org/lang_altertable.html#otheralter). `db::migrate` runs SQLite's
-- migrations with foreign keys off and checks them all before it commits.
CREATE TABLE petitions_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    public_id TEXT NOT NULL UNIQUE,
    tracking_code TEXT NOT NULL UNIQUE,
    receipt_secret_hash TEXT NOT NULL,
    partner_id BIGINT REFERENCES partners (id),
    channel TEXT NOT NULL CHECK (channel IN ('partner', 'in_person')),
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'denunciation', 'recommendation', 'feedback')),
    filed_kind TEXT NOT NULL CHECK (filed_kind IN ('complaint', 'denunciation', 'recommendation', 'feedback')),
    category_code TEXT NOT NULL REFERENCES categories (code),
    commune_code TEXT NOT NULL REFERENCES communes (code),
    province_code TEXT NOT NULL REFERENCES provinces (code),
    office_id BIGINT NOT NULL REFERENCES offices (id),
    routing_rule_id BIGINT NOT NULL REFERENCES routing_rules (id),
    routing_reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'rejected', 'answered', 'closed', 'withdrawn')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    subject TEXT,
    occurred_at TIMESTAMP,
    decision_date DATE,
    late_filing BOOLEAN NOT NULL,
    location_lat DOUBLE,
    location_lon DOUBLE,
    location_address TEXT,
    second_time_of BIGINT REFERENCES petitions (id),
    is_public BOOLEAN NOT NULL,
    anonymous BOOLEAN NOT NULL,
    received_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
    , next_due_at TIMESTAMP, complexity TEXT CHECK (complexity IN ('normal', 'complex', 'especially_complex')));

INSERT INTO petitions_new (id, public_id, tracking_code, receipt_secret_hash, partner_id, channel, kind, filed_kind, category_code, commune_code, province_code, office_id, routing_rule_id, routing_reason, status, title, description, subject, occurred_at, decision_date, late_filing, location_lat, location_lon, location_address, second_time_of, is_public, anonymous, received_at, updated_at, next_due_at, complexity)
SELECT id, public_id, tracking_code, receipt_secret_hash, partner_id, channel, kind, filed_kind, category_code, commune_code, province_code, office_id, routing_rule_id, routing_reason, status, title, description, subject, occurred_at, decision_date, late_filing, location_lat, location_lon, location_address, second_time_of, is_public, anonymous, received_at, updated_at, next_due_at, complexity FROM petitions;

UPDATE sqlite_sequence SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'petitions')
WHERE name = 'petitions_new';

DROP TABLE petitions;
ALTER TABLE petitions_new RENAME TO petitions;

CREATE INDEX petitions_by_partner ON petitions (partner_id, id);
CREATE INDEX petitions_by_office_status ON petitions (office_id, status, id);
CREATE INDEX petitions_inbox ON petitions (office_id, next_due_at, id);
CREATE INDEX petitions_overdue ON petitions (next_due_at, id);
CREATE INDEX petitions_overdue_by_province ON petitions (province_code, next_due_at, id);
