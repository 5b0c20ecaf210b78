-- Staff accounts (DESIGN §3.5): officials and office heads of one office, Fatherland Front
-- supervisors with a scope, and admins. Passwords are argon2id PHC strings.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('official', 'office_head', 'supervisor', 'admin')),
    office_id BIGINT REFERENCES offices (id),
    scope TEXT,
    can_reveal_identity BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP,
    CHECK ((role IN ('official', 'office_head')) = (office_id IS NOT NULL)),
    CHECK ((role = 'supervisor') = (scope IS NOT NULL))
);

-- Refresh tokens: opaque, stored as SHA-256, one row per issued token. A token is spent when
-- it is exchanged; presenting a spent one again means it was stolen, and the whole family
-- (every token descended from one login) is revoked.
CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    spent_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family);
