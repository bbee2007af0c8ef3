//go:build race

package web

// raceEnabled is true when the tests run under the race detector, which makes decoding a picture some 20 times
// slower.
const raceEnabled = true
