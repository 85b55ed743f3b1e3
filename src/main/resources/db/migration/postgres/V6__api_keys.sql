-- API keys as users manage them: an id to name a key by, a scope, a tag, the key's visible ends,
-- and its secret hashed with a salt of its own. Run keys are derived from the run-key secret and
-- were never read from this table, so their rows go. A key from before this migration (the
-- first-start admin key) keeps its unsalted SHA-256 hash, marked by an empty salt.
CREATE TABLE api_key_v6 (
    id           TEXT PRIMARY KEY,
    scope        TEXT NOT NULL,
    tag          TEXT,
    prefix       TEXT NOT NULL,
    suffix       TEXT NOT NULL,
    salt         TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX api_key_by_hash ON api_key_v6 (key_hash);

INSERT INTO api_key_v6 (id, scope, tag, prefix, suffix, salt, key_hash, created_at)
SELECT 'legacy-' || SUBSTR(key_hash, 1, 12), 'ADMIN', 'first-start admin key', 'pk-', '', '',
       key_hash, created_at
  FROM api_key
 WHERE kind = 'ADMIN';

DROP TABLE api_key;
ALTER TABLE api_key_v6 RENAME TO api_key;
