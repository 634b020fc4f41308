// Command hearth runs the Hearth support-group bot.
package main
