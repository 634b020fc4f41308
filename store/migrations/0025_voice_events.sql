-- Scheduled events (issue 12): the Discord event Hearth made for a voice
-- group's current or next session, so that it is moved on, ended or
-- restored instead of made twice. One per group at most.
CREATE TABLE group_events (
    group_id   INTEGER PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    guild_id   TEXT    NOT NULL,
    event_id   TEXT    NOT NULL,
    session_at INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL
);
CREATE INDEX group_events_guild ON group_events (guild_id);
-- groups (voice_channel_id) is indexed by 0020, for voice states and CHANNEL_UPDATE alike.
