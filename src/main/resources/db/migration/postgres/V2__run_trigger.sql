-- What last set a run going: MANUAL (runPipeline), SCHEDULE (cron), RESET (resetPipelineVersion).
ALTER TABLE pipeline_version ADD COLUMN trigger TEXT NOT NULL DEFAULT 'MANUAL';
