-- Job ids are never reused: a worker holding the id of a job that was
-- re-planned (deleted and written anew) meanwhile must find nothing, never
-- another group's job. SQLite reuses the highest rowid without AUTOINCREMENT.
CREATE TABLE jobs_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('reminder', 'lock', 'complete')),
    session_at   INTEGER NOT NULL,
    lead_seconds INTEGER NOT NULL DEFAULT 0,
    due_at       INTEGER,
    until_at     INTEGER,
    attempts     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (group_id, kind, lead_seconds)
);
INSERT INTO jobs_new (id, group_id, kind, session_at, lead_seconds, due_at, until_at, attempts)
    SELECT id, group_id, kind, session_at, lead_seconds, due_at, until_at, attempts FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_due ON jobs (due_at);
