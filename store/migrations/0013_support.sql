-- A server's own crisis resources, shown by /support; empty: Hearth's
-- default text.
ALTER TABLE guild_settings ADD COLUMN support_text TEXT NOT NULL DEFAULT '';
