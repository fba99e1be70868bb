//go:build !linux

package eval

// peakRSSMB is not measured on this platform.
func peakRSSMB() float64 { return 0 }
