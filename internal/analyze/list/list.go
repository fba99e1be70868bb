// Package list is the registry of analyzers. Adding an analyzer is one new
// package under analyze/ and one line here.
package list

import (
	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/authenticode"
	"github.com/vouch-sec/vouch/internal/analyze/capability"
	"github.com/vouch-sec/vouch/internal/analyze/elf"
	"github.com/vouch-sec/vouch/internal/analyze/endpoints"
	"github.com/vouch-sec/vouch/internal/analyze/image"
	"github.com/vouch-sec/vouch/internal/analyze/macho"
	"github.com/vouch-sec/vouch/internal/analyze/pe"
	"github.com/vouch-sec/vouch/internal/analyze/pkgmeta"
	"github.com/vouch-sec/vouch/internal/analyze/script"
)

// All returns every analyzer; each file is given to all that match it.
func All(cfg analyze.Config) []analyze.Analyzer {
	return []analyze.Analyzer{
		script.New(),
		authenticode.New(cfg),
		elf.New(),
		image.New(),
		pe.New(),
		macho.New(),
		pkgmeta.New(),
		endpoints.New(),
		capability.New(cfg), // after the endpoints analyzer: matches --ioc lists against its facts
	}
}
