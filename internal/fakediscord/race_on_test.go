//go:build race

package fakediscord

// raceDetector is set when the tests run with -race.
const raceDetector = true
