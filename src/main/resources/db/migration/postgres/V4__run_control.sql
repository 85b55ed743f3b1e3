-- Run control: retries, the attempts a step keeps, and how many runs of a pipeline may run at once.
ALTER TABLE pipeline ADD COLUMN max_concurrent_runs INTEGER;

ALTER TABLE pipeline_step ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pipeline_step ADD COLUMN retry_delay_seconds DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE pipeline_step ADD COLUMN retry_backoff DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE pipeline_step ADD COLUMN retry_on TEXT NOT NULL DEFAULT 'ANY';

ALTER TABLE step_version ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE step_version ADD COLUMN retry_delay_seconds DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE step_version ADD COLUMN retry_backoff DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE step_version ADD COLUMN retry_on TEXT NOT NULL DEFAULT 'ANY';
-- failed attempts that were retried; an interrupted attempt (server lost, reset) does not count
ALTER TABLE step_version ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
-- a retry waits until then (epoch millis); null starts at once
ALTER TABLE step_version ADD COLUMN not_before BIGINT;

-- Every ended attempt of a step version, written in the transaction that ends it.
CREATE TABLE step_attempt (
    step_version     TEXT NOT NULL REFERENCES step_version (id),
    pipeline_version TEXT NOT NULL REFERENCES pipeline_version (id),
    attempt          INTEGER NOT NULL,
    status           TEXT NOT NULL,
    failure_cause    TEXT,
    error            TEXT,
    output_errors    TEXT,
    bound_inputs     TEXT,
    output_values    TEXT,
    started_at       BIGINT,
    ended_at         BIGINT NOT NULL,
    reason           TEXT,
    PRIMARY KEY (step_version, attempt)
);
CREATE INDEX step_attempt_by_pipeline_version ON step_attempt (pipeline_version);
