DROP TABLE stats_progress;
DROP TABLE stats_tracks;
DROP TABLE stats_days;
DROP TABLE stats_cells;
