//go:build !race

package importer

// raceEnabled is true when the tests run under the race detector, which multiplies the memory of large inputs.
const raceEnabled = false
