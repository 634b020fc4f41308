package commands

import "github.com/bwmarrin/discordgo"

// Decode turns a Discord command, autocomplete, button or modal interaction
// into what the handlers read; other kinds (a ping) report false. The
// gateway and an HTTP endpoint decode alike.
func Decode(i *discordgo.Interaction) (*Interaction, bool) {
	in := &Interaction{GuildID: i.GuildID, ChannelID: i.ChannelID, Options: Options{},
		Locale: string(i.Locale)}
	if i.GuildLocale != nil {
		in.GuildLocale = string(*i.GuildLocale)
	}
	switch {
	case i.Member != nil && i.Member.User != nil:
		in.UserID = i.Member.User.ID
		in.RoleIDs = i.Member.Roles
	case i.User != nil:
		in.UserID = i.User.ID
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		in.Type = TypeCommand
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			in.Type = TypeAutocomplete
		}
		data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return nil, false
		}
		in.Command = data.Name
		opts := data.Options
		if len(opts) == 1 && opts[0] != nil && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
			opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
			in.Subcommand = opts[0].Name
			opts = opts[0].Options
		}
		for _, o := range opts {
			if o == nil {
				continue
			}
			in.Options[o.Name] = o.Value
			if o.Focused {
				in.Focused = o.Name
			}
		}
	case discordgo.InteractionMessageComponent:
		data, ok := i.Data.(discordgo.MessageComponentInteractionData)
		if !ok {
			return nil, false
		}
		in.Type, in.CustomID = TypeComponent, data.CustomID
	case discordgo.InteractionModalSubmit:
		data, ok := i.Data.(discordgo.ModalSubmitInteractionData)
		if !ok {
			return nil, false
		}
		in.Type, in.CustomID, in.Fields = TypeModal, data.CustomID, map[string]string{}
		for _, row := range data.Components {
			r, ok := row.(*discordgo.ActionsRow)
			if !ok {
				continue
			}
			for _, c := range r.Components {
				if t, ok := c.(*discordgo.TextInput); ok {
					in.Fields[t.CustomID] = t.Value
				}
			}
		}
	default:
		return nil, false
	}
	return in, true
}
