-- Cron schedules. pipeline.cron (V1) says when; schedule_paused (0/1) whether the schedule is
-- paused; next_run_at (UTC epoch millis) when it fires next, null when there is no cron or it is
-- paused. The ticker claims a firing by moving next_run_at on with an update guarded by its old
-- value, so two tickers (or two nodes) never start two runs for one firing.
ALTER TABLE pipeline ADD COLUMN schedule_paused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pipeline ADD COLUMN next_run_at BIGINT;
-- The ticker asks every second for what is due.
CREATE INDEX pipeline_by_next_run ON pipeline (next_run_at);
