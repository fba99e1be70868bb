// Package list is the registry of detectors. Adding a detector family is
// one new package under detect/ and one line here.
package list

import (
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/detect/elffind"
	"github.com/vouch-sec/vouch/internal/detect/imagetrail"
	"github.com/vouch-sec/vouch/internal/detect/ioc"
	"github.com/vouch-sec/vouch/internal/detect/machofind"
	"github.com/vouch-sec/vouch/internal/detect/masquerade"
	"github.com/vouch-sec/vouch/internal/detect/pefind"
	"github.com/vouch-sec/vouch/internal/detect/pkghook"
	"github.com/vouch-sec/vouch/internal/detect/sig"
)

// All returns every detector.
func All() []detect.Detector {
	return []detect.Detector{
		masquerade.New(),
		pkghook.New(),
		elffind.New(),
		sig.New(), sig.NewPE(),
		pefind.New(), pefind.NewSideload(),
		imagetrail.New(),
		machofind.New(),
		ioc.New(), ioc.NewRules(),
	}
}
