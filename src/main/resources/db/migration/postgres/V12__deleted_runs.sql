-- Runs deleted by retention or with their pipeline (issue 13), remembered for a week: where
-- servers share the database, the one that deletes a run cannot reach the files the others keep
-- of it in their own data directories, so each server deletes its own when it reads them here.
CREATE TABLE deleted_run (
    id         TEXT PRIMARY KEY,
    deleted_at BIGINT NOT NULL
);
CREATE INDEX deleted_run_by_time ON deleted_run (deleted_at);
