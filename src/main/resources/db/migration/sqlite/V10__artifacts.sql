-- What steps produced beside their JSON outputs (issue 12): a value stored by reference (a table,
-- bytes, a file, a large JSON value) or a file of the step's outputs folder. The file lies under
-- the run's directory at path; a row is written in the transaction that commits the step's
-- COMPLETE, so a row names only files that were whole before the step was over.
CREATE TABLE artifact (
    id               TEXT PRIMARY KEY,
    pipeline_version TEXT NOT NULL REFERENCES pipeline_version (id),
    step_version     TEXT NOT NULL REFERENCES step_version (id),
    attempt          INTEGER NOT NULL,
    output_name      TEXT,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    format           TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    size_bytes       BIGINT NOT NULL,
    path             TEXT NOT NULL,
    preview          TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX artifact_by_version ON artifact (pipeline_version, step_version);
-- A step's own, and the foreign key's check when step versions are deleted.
CREATE INDEX artifact_by_step ON artifact (step_version);
