-- Raised by every update of the row, so that a reader can tell a step it has seen from a changed
-- one without reading it whole (updated_at alone ties within a millisecond).
ALTER TABLE pipeline_step ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
ALTER TABLE python_function ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
