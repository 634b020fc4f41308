-- The language of what Hearth posts in a server's channels: chosen with
-- /setup language: (empty: not chosen), else the server's preferred locale
-- as Discord last told it.
ALTER TABLE guild_settings ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE guild_settings ADD COLUMN guild_locale TEXT NOT NULL DEFAULT '';
