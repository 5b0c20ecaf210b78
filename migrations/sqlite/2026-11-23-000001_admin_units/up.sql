-- Vietnam's two-tier administrative units (2025 arrangement), the People's Committee offices
-- that answer for them, and the categories of commune matters. The unit rows themselves are
-- loaded from the vendored GSO dataset at first start (db::seed), not here, so that the CSV
-- stays the single source.

CREATE TABLE provinces (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 2),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('province', 'municipality'))
);

CREATE TABLE communes (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 5),
    province_code TEXT NOT NULL REFERENCES provinces (code),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('commune', 'ward', 'special_zone'))
);

CREATE INDEX communes_by_province ON communes (province_code, code);

-- An office answers for an area: a province (level 'province') or one commune.
-- The People's Committee of a province is its province-level office without a parent;
-- the committee of a commune is its commune-level office, whose parent is the province's.
CREATE TABLE offices (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('province', 'commune')),
    province_code TEXT NOT NULL REFERENCES provinces (code),
    commune_code TEXT REFERENCES communes (code),
    parent_id BIGINT REFERENCES offices (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK (level <> 'commune' OR (commune_code IS NOT NULL AND parent_id IS NOT NULL))
);

CREATE UNIQUE INDEX offices_one_committee_per_commune ON offices (commune_code) WHERE level = 'commune';
CREATE UNIQUE INDEX offices_one_committee_per_province ON offices (province_code) WHERE parent_id IS NULL;
CREATE INDEX offices_by_level_province ON offices (level, province_code, id);
CREATE INDEX offices_by_parent ON offices (parent_id);

-- Codes are stable: partners file petitions under them.
CREATE TABLE categories (
    code TEXT PRIMARY KEY NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position INTEGER NOT NULL
);

INSERT INTO categories (code, name_vi, name_en, position) VALUES
    ('land', 'Đất đai, xây dựng', 'Land and construction', 1),
    ('environment', 'Môi trường, vệ sinh', 'Environment and sanitation', 2),
    ('traffic', 'Giao thông, đường sá', 'Traffic and roads', 3),
    ('public_order', 'An ninh, trật tự', 'Public order and security', 4),
    ('social_welfare', 'Chính sách, an sinh xã hội', 'Social welfare and policy', 5),
    ('health', 'Y tế', 'Health', 6),
    ('education', 'Giáo dục', 'Education', 7),
    ('admin_procedures', 'Thủ tục hành chính', 'Administrative procedures', 8),
    ('officials_conduct', 'Thái độ, hành vi của cán bộ', 'Conduct of officials', 9),
    ('other', 'Khác', 'Other', 10);

-- Reference datasets loaded at start, one row each, so that loading happens once even when
-- several nodes start together (the primary key makes the second loader stop).
CREATE TABLE seed_runs (
    name TEXT PRIMARY KEY NOT NULL,
    rows_loaded BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
