-- The roles Hearth gave access to group channels (the moderator role, and
-- earlier ones until their access is confirmed removed), so that start-up
-- reconciliation removes a former moderator role's access, and never a
-- role overwrite someone made by hand.
CREATE TABLE role_grants (
    guild_id TEXT NOT NULL,
    role_id  TEXT NOT NULL,
    PRIMARY KEY (guild_id, role_id)
);

INSERT INTO role_grants (guild_id, role_id)
    SELECT guild_id, moderator_role_id FROM guild_settings WHERE moderator_role_id <> '';
