-- Discreet mode: new group channels get neutral names (group- and a
-- number) and topics, so that a channel list, a notification or an audit
-- log line reveals no subject.
ALTER TABLE guild_settings ADD COLUMN discreet INTEGER NOT NULL DEFAULT 0;
