-- Intake: partner apps, routing rules, petitions with their encrypted identities, clocks,
-- idempotent replies and the append-only event log.

-- A partner app. Its API key is `tdk_` + key_prefix + a secret part; only the SHA-256 of the
-- whole key is kept, and the key is shown once, when the partner is created.
CREATE TABLE partners (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    key_prefix TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

-- Where petitions go (DESIGN §3.4). Every matcher is optional; the most specific matching rule
-- wins (most matchers set, then highest priority, then lowest id). The target is a fixed
-- office, or relative to the petition's commune: its own committee or its province's.
CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    province_code TEXT REFERENCES provinces (code),
    commune_code TEXT REFERENCES communes (code),
    kind TEXT CHECK (kind IN ('complaint', 'denunciation', 'recommendation', 'feedback')),
    category_code TEXT REFERENCES categories (code),
    subject TEXT,
    second_time BOOLEAN,
    target TEXT NOT NULL CHECK (target IN ('office', 'commune_office', 'province_office')),
    office_id BIGINT REFERENCES offices (id),
    priority INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK ((target = 'office') = (office_id IS NOT NULL))
);

-- The rules the law fixes, and the default. Partners and provinces add their own.
INSERT INTO routing_rules (code, kind, subject, second_time, target, priority, reason) VALUES
    ('default', NULL, NULL, NULL, 'commune_office', 0,
     'The People''s Committee of the commune where the matter arises (default)'),
    ('law.second_time_complaint', 'complaint', NULL, 1, 'province_office', 100,
     'A second-time complaint goes to the superior of the first-time resolver, since 1 July 2025 the province (Law on Complaints art. 33, 37)'),
    ('law.denunciation_commune_leadership', 'denunciation', 'commune_leadership', NULL, 'province_office', 100,
     'A denunciation about the commune''s leadership is resolved by their superior, the province (Law on Denunciations art. 13, 14)');

CREATE TABLE petitions (
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
);

CREATE INDEX petitions_by_partner ON petitions (partner_id, id);
CREATE INDEX petitions_by_office_status ON petitions (office_id, status, id);

CREATE TABLE petition_attachments (
    petition_id BIGINT NOT NULL REFERENCES petitions (id),
    position INTEGER NOT NULL,
    url TEXT NOT NULL,
    media_type TEXT,
    PRIMARY KEY (petition_id, position)
);

-- The citizen's identity, apart from the petition and sealed with the data key
-- (XChaCha20-Poly1305; the petition's public id is the associated data, so a sealed identity
-- cannot be moved to another petition). `key_id` names the key, for rotation.
CREATE TABLE petition_identities (
    petition_id BIGINT PRIMARY KEY REFERENCES petitions (id),
    key_id TEXT NOT NULL,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL
);

-- The legal clocks of a petition (DESIGN §3.1): one row per clock.
CREATE TABLE petition_clocks (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    petition_id BIGINT NOT NULL REFERENCES petitions (id),
    name TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    length_days INTEGER NOT NULL,
    day_type TEXT NOT NULL CHECK (day_type IN ('calendar', 'working')),
    due_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'met', 'missed', 'stopped')),
    legal_basis TEXT NOT NULL,
    rule_version TEXT NOT NULL,
    calendar_version TEXT NOT NULL,
    UNIQUE (petition_id, name)
);

CREATE INDEX petition_clocks_running_by_due ON petition_clocks (due_at) WHERE status = 'running';

-- Replies to POSTs that carried an Idempotency-Key, kept so that a retry gets the same answer.
-- The body may hold a receipt secret, so it is sealed like an identity.
CREATE TABLE idempotent_replies (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    location TEXT,
    key_id TEXT NOT NULL,
    nonce BLOB NOT NULL,
    body BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
);

CREATE INDEX idempotent_replies_by_age ON idempotent_replies (created_at);

-- What happened, in order, never changed (the audit-trail issue chains these rows).
-- `payload` is JSON without personal data.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    petition_id BIGINT REFERENCES petitions (id),
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX events_by_petition ON events (petition_id, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
