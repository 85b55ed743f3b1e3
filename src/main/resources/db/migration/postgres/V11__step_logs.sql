-- Step logs kept in the database where servers share it (issue 13): the server running an attempt
-- ships its log here in pieces while it runs and when it ends, so that any server can show it, also
-- once the one that ran it is gone. A piece is the text of bytes [start_byte, end_byte) of the
-- attempt's log, offsets counted as the log file counts them; only the last --log-cap bytes stay.
CREATE TABLE step_log (
    step_version     TEXT NOT NULL REFERENCES step_version (id),
    attempt          INTEGER NOT NULL,
    start_byte       BIGINT NOT NULL,
    end_byte         BIGINT NOT NULL,
    pipeline_version TEXT NOT NULL REFERENCES pipeline_version (id),
    content          TEXT NOT NULL,
    PRIMARY KEY (step_version, attempt, start_byte)
);
CREATE INDEX step_log_by_version ON step_log (pipeline_version);
