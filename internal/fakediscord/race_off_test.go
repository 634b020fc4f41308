//go:build !race

package fakediscord

const raceDetector = false
