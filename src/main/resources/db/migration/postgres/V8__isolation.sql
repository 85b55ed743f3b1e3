-- Which steps of a pipeline's runs may share a Python process (run, step, process); NULL: the
-- server's default. A run keeps the one its pipeline had when it started.
ALTER TABLE pipeline ADD COLUMN isolation TEXT;
ALTER TABLE pipeline_version ADD COLUMN isolation TEXT;
