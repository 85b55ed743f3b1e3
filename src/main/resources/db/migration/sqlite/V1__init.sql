-- Penstock schema, SQLite. Kept column for column equal to db/migration/postgres/V1__init.sql:
-- ids TEXT, times UTC epoch millis BIGINT, statuses the enum name, JSON as TEXT, booleans 0/1.

CREATE TABLE api_key (
    key_hash         TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    pipeline_version TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX api_key_by_pipeline_version ON api_key (pipeline_version);

CREATE TABLE python_function (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,
    function_name        TEXT,
    source_code          TEXT,
    function_type        TEXT,
    inputs               TEXT,
    outputs              TEXT,
    package_requirements TEXT,
    description          TEXT,
    examples             TEXT,
    connectors           TEXT,
    timeout_seconds      INTEGER,
    owner_step_id        TEXT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX python_function_by_owner_step ON python_function (owner_step_id);

CREATE TABLE pipeline (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    project_id TEXT,
    cron       TEXT,
    is_prod    INTEGER NOT NULL,
    variables  TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX pipeline_by_project ON pipeline (project_id, created_at);

-- position is the creation order within the pipeline; created_at alone ties within a millisecond.
CREATE TABLE pipeline_step (
    id                 TEXT PRIMARY KEY,
    pipeline_id        TEXT NOT NULL REFERENCES pipeline (id),
    name               TEXT NOT NULL,
    position           INTEGER NOT NULL,
    python_function_id TEXT NOT NULL,
    dependencies       TEXT,
    cpu_size           TEXT,
    memory_gb          INTEGER NOT NULL,
    timeout_minutes    INTEGER NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    UNIQUE (pipeline_id, name)
);

CREATE TABLE pipeline_version (
    id            TEXT PRIMARY KEY,
    pipeline_id   TEXT NOT NULL REFERENCES pipeline (id),
    pipeline_name TEXT NOT NULL,
    status        TEXT NOT NULL,
    error         TEXT,
    variables     TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    started_at    BIGINT,
    completed_at  BIGINT
);
CREATE INDEX pipeline_version_by_pipeline ON pipeline_version (pipeline_id, created_at);
CREATE INDEX pipeline_version_by_status ON pipeline_version (status, created_at);

-- One step in one run: a snapshot of the step's definition plus its state. attempt is the fencing
-- token: each claim raises it and every later write names it.
CREATE TABLE step_version (
    id                   TEXT PRIMARY KEY,
    pipeline_version     TEXT NOT NULL REFERENCES pipeline_version (id),
    pipeline_id          TEXT NOT NULL,
    pipeline_step_id     TEXT,
    step_name            TEXT NOT NULL,
    position             INTEGER NOT NULL,
    python_function_id   TEXT,
    function_name        TEXT,
    source_code          TEXT,
    inputs               TEXT,
    outputs              TEXT,
    dependencies         TEXT,
    package_requirements TEXT,
    cpu_size             TEXT,
    memory_gb            INTEGER NOT NULL,
    timeout_minutes      INTEGER NOT NULL,
    status               TEXT NOT NULL,
    attempt              INTEGER NOT NULL,
    claimed_by           TEXT,
    bound_inputs         TEXT,
    output_values        TEXT,
    output_errors        TEXT,
    error                TEXT,
    failure_cause        TEXT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    started_at           BIGINT,
    completed_at         BIGINT
);
CREATE INDEX step_version_by_version ON step_version (pipeline_version, position);
CREATE INDEX step_version_by_status_node ON step_version (status, claimed_by);

-- Every status a run or step passes through; step_version is null for the run's own changes.
-- A rowid alias rather than AUTOINCREMENT: ids only need to grow, and it saves a write per row.
CREATE TABLE status_history (
    id               INTEGER PRIMARY KEY,
    step_version     TEXT REFERENCES step_version (id),
    pipeline_version TEXT NOT NULL REFERENCES pipeline_version (id),
    attempt          INTEGER NOT NULL,
    status           TEXT NOT NULL,
    reason           TEXT,
    at               BIGINT NOT NULL
);
CREATE INDEX status_history_by_step_version ON status_history (step_version);
CREATE INDEX status_history_by_pipeline_version ON status_history (pipeline_version);

CREATE TABLE node (
    id           TEXT PRIMARY KEY,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);
