-- Scheduled work. The database, not memory, is the truth: each row holds the
-- next fire time of one job, so a restart loses nothing.
--
-- One row per group and job: a 'reminder' row per lead time points at the next
-- session to remind of and is advanced after each firing; 'lock' and
-- 'complete' fire once. due_at is NULL while the job is being worked on by a
-- running scheduler; start-up makes such rows due again.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('reminder', 'lock', 'complete')),
    session_at   INTEGER NOT NULL,             -- unix seconds: the session, lock or completion time
    lead_seconds INTEGER NOT NULL DEFAULT 0,   -- reminders: how long before the session
    due_at       INTEGER,                      -- unix seconds: when to fire; NULL while in flight
    until_at     INTEGER,                      -- reminders: last session to remind of; NULL = no end
    attempts     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (group_id, kind, lead_seconds)
);

CREATE INDEX jobs_due ON jobs (due_at);

-- Each reminder sent, or about to be. The intent is recorded before the first
-- message goes out, under a key unique per group, session and lead time, so a
-- reminder is sent once. state: 'sending' (intent recorded, not yet confirmed),
-- 'sent', 'skipped' (its session had begun) or 'abandoned' (a crash left its
-- outcome unknown for longer than Discord de-duplicates nonces).
CREATE TABLE firings (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    session_at   INTEGER NOT NULL,
    lead_seconds INTEGER NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('sending', 'sent', 'skipped', 'abandoned')),
    mentions     TEXT    NOT NULL DEFAULT '', -- members when the intent was recorded, space-separated
    parts_sent   INTEGER NOT NULL DEFAULT 0,  -- messages of a split reminder already confirmed
    attempts     INTEGER NOT NULL DEFAULT 0,
    attempt_at   INTEGER,                     -- a send began then and its outcome is unknown
    retry_at     INTEGER,                     -- 'sending' rows: when to try next; NULL while in flight
    created_at   INTEGER NOT NULL,
    done_at      INTEGER,
    UNIQUE (group_id, kind, session_at, lead_seconds)
);

CREATE INDEX firings_pending ON firings (retry_at) WHERE state = 'sending';
