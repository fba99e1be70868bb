// Package limits holds every bound vouch puts on hostile input, in one place.
//
// A limit that is hit never stops the run: the engine records an
// "unpack.limit" finding naming the limit, skips what is over it and goes on
// with the rest of the release.
package limits

import (
	"fmt"
	"time"
)

// Limits bound one inspection. The zero value is not useful: start from
// [Default].
type Limits struct {
	// MaxDepth is how many containers deep the engine descends.
	MaxDepth int
	// MaxTotalBytes bounds the bytes expanded from all containers together.
	MaxTotalBytes int64
	// MaxFileBytes bounds the expanded size of one member.
	MaxFileBytes int64
	// MaxRatio bounds expanded bytes over compressed bytes of one container,
	// checked once its output passes RatioFloor.
	MaxRatio   float64
	RatioFloor int64
	// MaxMembers bounds the members listed from one container.
	MaxMembers int
	// MaxTotalMembers bounds the files listed in the whole release.
	MaxTotalMembers int
	// FileTimeout bounds the analysis of one file.
	FileTimeout time.Duration
	// MemoryBytes is how many expanded bytes are held in memory at once;
	// beyond it members are spilled to unlinked files in a private temp
	// directory (never under a name from the archive).
	MemoryBytes int64
}

// Default returns the limits used when the user sets none.
func Default() Limits {
	return Limits{
		MaxDepth:        16,
		MaxTotalBytes:   16 << 30,
		MaxFileBytes:    4 << 30,
		MaxRatio:        100,
		RatioFloor:      64 << 20,
		MaxMembers:      200_000,
		MaxTotalMembers: 1_000_000,
		FileTimeout:     60 * time.Second,
		MemoryBytes:     96 << 20,
	}
}

// Validate reports a limit that cannot work.
func (l Limits) Validate() error {
	switch {
	case l.MaxDepth < 1:
		return fmt.Errorf("max depth must be at least 1, got %d", l.MaxDepth)
	case l.MaxTotalBytes < 1, l.MaxFileBytes < 1:
		return fmt.Errorf("byte limits must be positive")
	case l.MaxRatio < 1:
		return fmt.Errorf("max ratio must be at least 1, got %g", l.MaxRatio)
	case l.MaxMembers < 1, l.MaxTotalMembers < 1:
		return fmt.Errorf("member limits must be positive")
	case l.FileTimeout <= 0:
		return fmt.Errorf("file timeout must be positive")
	}
	return nil
}

// Exceeded is the error for a limit that was hit. The engine turns it into an
// "unpack.limit" finding.
type Exceeded struct {
	Limit string // flag-style name: "max-depth", "max-ratio", …
	Value int64  // the configured bound
	Seen  int64  // what was seen (may be a lower bound)
}

func (e *Exceeded) Error() string {
	return fmt.Sprintf("limit %s exceeded (limit %d, seen %d)", e.Limit, e.Value, e.Seen)
}
