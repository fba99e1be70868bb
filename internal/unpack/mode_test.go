package unpack_test

import (
	"io/fs"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack"
)

func TestUnixMode(t *testing.T) {
	tests := []struct {
		in   uint64
		want fs.FileMode
	}{
		{0o100644, 0o644},
		{0o104755, 0o755 | fs.ModeSetuid},
		{0o042775, 0o775 | fs.ModeDir | fs.ModeSetgid},
		{0o041777, 0o777 | fs.ModeDir | fs.ModeSticky},
		{0o120777, 0o777 | fs.ModeSymlink},
		{0o020620, 0o620 | fs.ModeDevice | fs.ModeCharDevice},
		{0o060660, 0o660 | fs.ModeDevice},
		{0o010644, 0o644 | fs.ModeNamedPipe},
		{0o140755, 0o755 | fs.ModeSocket},
	}
	for _, tc := range tests {
		if got := unpack.UnixMode(tc.in); got != tc.want {
			t.Errorf("UnixMode(%o) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
