-- Session posts, reminder choices and talking rounds (issue 12, items 4-6).
-- The session post itself is a firings row of kind 'session_start' (lead 0),
-- so it is posted once by the same intent-and-nonce path as reminders.

-- How a member is reminded: a default for every group of a server, and
-- overrides for single groups. No row: 'channel'.
CREATE TABLE reminder_defaults (
    guild_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    mode     TEXT NOT NULL CHECK (mode IN ('channel', 'dm', 'off')),
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX reminder_defaults_user ON reminder_defaults (user_id);

CREATE TABLE reminder_overrides (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  TEXT    NOT NULL,
    mode     TEXT    NOT NULL CHECK (mode IN ('channel', 'dm', 'off')),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX reminder_overrides_user ON reminder_overrides (user_id);

-- One direct-message reminder: recorded with its firing, before anything is
-- sent, so that it goes out once. state: 'sending', 'sent', 'closed' (the
-- member takes no direct messages: reminded in the channel instead),
-- 'abandoned' (an attempt's outcome stayed unknown too long to re-send
-- safely) or 'skipped' (no longer a member).
CREATE TABLE reminder_dms (
    firing_id  INTEGER NOT NULL REFERENCES firings (id) ON DELETE CASCADE,
    user_id    TEXT    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('sending', 'sent', 'closed', 'abandoned', 'skipped')),
    attempt_at INTEGER,
    PRIMARY KEY (firing_id, user_id)
);
CREATE INDEX reminder_dms_user ON reminder_dms (user_id);

-- A member whose direct messages were closed when a reminder was due, to be
-- told once (told = 1), in their next reply from Hearth.
CREATE TABLE dm_notices (
    user_id    TEXT    NOT NULL PRIMARY KEY,
    guild_id   TEXT    NOT NULL,
    told       INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- A talking round in a group's channel: its post, and whose turn it is
-- (position into round_turns). At most one open round per group.
CREATE TABLE rounds (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    channel_id TEXT    NOT NULL,
    message_id TEXT    NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    state      TEXT    NOT NULL CHECK (state IN ('open', 'ended')),
    created_at INTEGER NOT NULL,
    ended_at   INTEGER
);
CREATE UNIQUE INDEX rounds_open ON rounds (group_id) WHERE state = 'open';

CREATE TABLE round_turns (
    round_id INTEGER NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    user_id  TEXT    NOT NULL,
    outcome  TEXT    NOT NULL DEFAULT '' CHECK (outcome IN ('', 'done', 'passed')),
    PRIMARY KEY (round_id, position)
);
CREATE UNIQUE INDEX round_turns_once ON round_turns (round_id, user_id);
CREATE INDEX round_turns_user ON round_turns (user_id);
