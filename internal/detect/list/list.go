// Package list is the registry of detectors. Adding a detector family is
// one new package under detect/ and one line here.
package list

import (
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/detect/bindiff"
	"github.com/vouch-sec/vouch/internal/detect/elffind"
	"github.com/vouch-sec/vouch/internal/detect/imagetrail"
	"github.com/vouch-sec/vouch/internal/detect/ioc"
	"github.com/vouch-sec/vouch/internal/detect/machofind"
	"github.com/vouch-sec/vouch/internal/detect/masquerade"
	"github.com/vouch-sec/vouch/internal/detect/netdiff"
	"github.com/vouch-sec/vouch/internal/detect/pefind"
	"github.com/vouch-sec/vouch/internal/detect/pkgdiff"
	"github.com/vouch-sec/vouch/internal/detect/pkghook"
	"github.com/vouch-sec/vouch/internal/detect/sig"
	"github.com/vouch-sec/vouch/internal/detect/sigdiff"
	"github.com/vouch-sec/vouch/internal/detect/vendored"
	"github.com/vouch-sec/vouch/internal/reference"
)

// Options configure detectors that need the user's data.
type Options struct {
	// Reference is the table of known-good redistributables; nil turns
	// the vendored check off.
	Reference *reference.Table
}

// Diff returns the diff detectors (mode D), run by `vouch diff` after the
// single-file and release detectors of each side.
func Diff() []detect.DiffDetector {
	return []detect.DiffDetector{
		bindiff.New(),
		netdiff.New(),
		sigdiff.New(),
		pkgdiff.New(),
	}
}

// All returns every single-file and release detector.
func All(o Options) []detect.Detector {
	return []detect.Detector{
		masquerade.New(),
		pkghook.New(),
		elffind.New(),
		sig.New(), sig.NewPE(),
		pefind.New(), pefind.NewSideload(),
		imagetrail.New(),
		machofind.New(),
		ioc.New(), ioc.NewRules(),
		vendored.New(o.Reference),
	}
}
