-- Accountability statistics (DESIGN §3.7): rollups kept by a job that folds the events in the
-- order of the audit chain (src/domain/stats/fold.rs). Each change lands in the cells of its
-- office, the office's commune, its province and the nation, for its kind and category and for
-- all kinds ('*') and all categories ('*'), so that every published figure is a sum over at
-- most a year's months of one unit, never a scan of the petitions.

CREATE TABLE stats_cells (
    level TEXT NOT NULL CHECK (level IN ('office', 'commune', 'province', 'national')),
    -- An office's id, a commune's or a province's code, 'VN'.
    unit TEXT NOT NULL,
    -- The unit whose total this cell is a part of, with its siblings: the commune of an
    -- office (the province when the office has no commune), the province of a commune, 'VN'
    -- for a province; '' for the nation. Small-cell suppression reads the siblings by it.
    parent TEXT NOT NULL,
    -- yyyymm of the date in Vietnam.
    month INTEGER NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    transferred_out BIGINT NOT NULL DEFAULT 0,
    withdrawn BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    answered_on_time BIGINT NOT NULL DEFAULT 0,
    answered_online BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    due BIGINT NOT NULL DEFAULT 0,
    due_answered BIGINT NOT NULL DEFAULT 0,
    due_on_time BIGINT NOT NULL DEFAULT 0,
    ack_due BIGINT NOT NULL DEFAULT 0,
    ack_on_time BIGINT NOT NULL DEFAULT 0,
    overdue_change BIGINT NOT NULL DEFAULT 0,
    supervision_filed BIGINT NOT NULL DEFAULT 0,
    supervision_answered BIGINT NOT NULL DEFAULT 0,
    supervision_on_time BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (level, unit, month, kind, category)
);

CREATE INDEX stats_cells_by_parent ON stats_cells (parent, kind, category, month);

-- Working days from receipt to answer, as a histogram per cell: quantiles of a year or a
-- province are computed from the merged histograms.
CREATE TABLE stats_days (
    level TEXT NOT NULL,
    unit TEXT NOT NULL,
    month INTEGER NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    days INTEGER NOT NULL,
    answers BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (level, unit, month, kind, category, days)
);

-- What the fold remembers of each open petition between its events (JSON of
-- domain::stats::Track); the row goes when the petition can change no figure any more.
CREATE TABLE stats_tracks (
    petition_id BIGINT PRIMARY KEY NOT NULL,
    track TEXT NOT NULL
);

-- How far the fold has read the chain: every event with seq up to here is in the cells.
CREATE TABLE stats_progress (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL,
    folded_at TIMESTAMP
);
INSERT INTO stats_progress (id, seq, folded_at) VALUES (1, 0, NULL);
