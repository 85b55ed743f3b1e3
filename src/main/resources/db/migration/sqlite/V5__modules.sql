-- Named Python source that steps import by name (createModule and friends).
CREATE TABLE python_module (
    name        TEXT PRIMARY KEY,
    source_code TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- The modules a step version imports, as they were when the run started: JSON {name: source}.
ALTER TABLE step_version ADD COLUMN modules TEXT;
