// Package list is the registry of container formats. Adding a format is one
// new package under unpack/ and one line here.
package list

import (
	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/ar"
	"github.com/vouch-sec/vouch/internal/unpack/cab"
	"github.com/vouch-sec/vouch/internal/unpack/compress"
	"github.com/vouch-sec/vouch/internal/unpack/dmg"
	"github.com/vouch-sec/vouch/internal/unpack/iso"
	"github.com/vouch-sec/vouch/internal/unpack/msi"
	"github.com/vouch-sec/vouch/internal/unpack/nsis"
	"github.com/vouch-sec/vouch/internal/unpack/rpm"
	"github.com/vouch-sec/vouch/internal/unpack/sevenzip"
	"github.com/vouch-sec/vouch/internal/unpack/tar"
	"github.com/vouch-sec/vouch/internal/unpack/xar"
	"github.com/vouch-sec/vouch/internal/unpack/zip"
)

// All returns every unpacker, most specific first: the first whose Match
// accepts an input unpacks it.
func All() []unpack.Unpacker {
	return []unpack.Unpacker{
		ar.Deb(), ar.New(), // one ar reader: "deb" when the first member is debian-binary
		rpm.New(),
		nsis.New(), // PE stub + NSIS data; before any generic PE/overlay reader
		cab.New(),
		msi.New(), msi.OLE(), // MSI first, then any other OLE compound file
		zip.New(),
		sevenzip.New(),
		iso.New(),
		xar.New(),
		dmg.New(), // trailer at the end: after every reader that matches a header
		compress.Gzip(),
		compress.XZ(),
		compress.Bzip2(),
		compress.Zstd(),
		tar.New(),
	}
}

// Find returns the first unpacker that matches in, or nil.
func Find(all []unpack.Unpacker, in *unpack.Input) unpack.Unpacker {
	for _, u := range all {
		if u.Match(in) {
			return u
		}
	}
	return nil
}
