-- A server's safety state (issue 13, items 5 and 7), beside its settings
-- rather than in them, so that /setup's settings row keeps its shape.
--   log_exposure: why the log channel is readable by others than the
--     moderators ('' = it is private; 'everyone'; 'role:<id>'; 'member'):
--     while set, Hearth posts nothing there and crisis alerts are paused.
--   crisis_alerts: /setup crisis_alerts:true (INTEGER 0/1).
--   crisis_rule_id: the id of the AutoMod rule Hearth owns ('' = none yet).
--   crisis_words: the server's own crisis phrases, one a line ('' = the
--     lists shipped with Hearth).
CREATE TABLE guild_safety (
    guild_id       TEXT    NOT NULL PRIMARY KEY,
    log_exposure   TEXT    NOT NULL DEFAULT '',
    crisis_alerts  INTEGER NOT NULL DEFAULT 0,
    crisis_rule_id TEXT    NOT NULL DEFAULT '',
    crisis_words   TEXT    NOT NULL DEFAULT ''
);

-- Role overwrites found letting another role see a group's channel, each
-- reported once in the log channel (again only after it was gone and came
-- back). Role ids only: nobody is named.
CREATE TABLE access_reports (
    channel_id TEXT NOT NULL,
    role_id    TEXT NOT NULL,
    PRIMARY KEY (channel_id, role_id)
);

-- CHANNEL_UPDATE finds the group of a channel by its id.
CREATE INDEX groups_channel ON groups (channel_id);
CREATE INDEX groups_voice_channel ON groups (voice_channel_id);
