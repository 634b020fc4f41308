-- Sessions (issue 12): a private voice room, a session length, and what
-- attendance is made of. Defined together so that voice, check-in, the
-- attendance report and the talking round read one shape.
ALTER TABLE groups ADD COLUMN voice_channel_id TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN duration_minutes INTEGER NOT NULL DEFAULT 90;

-- Time a member spent in their group's voice channel, from Discord's voice
-- states; left_at is NULL while they are still there, so a restart in the
-- middle of a session loses nothing.
CREATE TABLE voice_intervals (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id  INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   TEXT    NOT NULL,
    joined_at INTEGER NOT NULL,
    left_at   INTEGER
);
CREATE INDEX voice_intervals_group ON voice_intervals (group_id, joined_at);
CREATE INDEX voice_intervals_user ON voice_intervals (user_id);
CREATE UNIQUE INDEX voice_intervals_open ON voice_intervals (group_id, user_id) WHERE left_at IS NULL;

-- What a member said about one session (session_at: its start, unix
-- seconds): 'here' (pressed I'm here during it) or 'excused' (can't make
-- it). One row per member and session; a later 'here' replaces 'excused'.
CREATE TABLE session_marks (
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    session_at INTEGER NOT NULL,
    user_id    TEXT    NOT NULL,
    mark       TEXT    NOT NULL CHECK (mark IN ('here', 'excused')),
    marked_at  INTEGER NOT NULL,
    PRIMARY KEY (group_id, session_at, user_id)
);
CREATE INDEX session_marks_user ON session_marks (user_id);

-- Two more kinds of job: 'session_start' fires at each session's start (the
-- session post, check-in opening), 'session_end' at its end (the scheduled
-- event moved on to the next session).
CREATE TABLE jobs_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id     INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('reminder', 'lock', 'complete', 'session_start', 'session_end')),
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
