package sigdiff_test

import (
	"testing"

	"github.com/vouch-sec/vouch/internal/detect/difftest"
	"github.com/vouch-sec/vouch/internal/detect/sigdiff"
	"github.com/vouch-sec/vouch/internal/model"
)

// Local names for the shared builders (see package difftest); defined
// types, so table literals may leave out field names.
type (
	f    difftest.F
	want difftest.Want
)

func files(fs []f) []difftest.F {
	out := make([]difftest.F, len(fs))
	for i, x := range fs {
		out[i] = difftest.F(x)
	}
	return out
}

func release(root string, fs []f) *model.Report { return difftest.Release(root, files(fs)) }

func check(t *testing.T, d *model.DiffReport, ws []want) {
	t.Helper()
	out := make([]difftest.Want, len(ws))
	for i, w := range ws {
		out[i] = difftest.Want(w)
	}
	difftest.Check(t, d, out)
}

func compare(old, new []f) *model.DiffReport {
	return difftest.Compare(sigdiff.New(), files(old), files(new))
}
