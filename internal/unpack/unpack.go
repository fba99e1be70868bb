// Package unpack defines how container formats are opened. Each format lives
// in its own sub-package and implements [Unpacker]; unpack/list registers
// them.
//
// # Security
//
// Every input is hostile. Unpackers never write to disk, never follow links,
// never trust a declared count or size before checking it against the data
// that is actually there, and return errors instead of panicking (the engine
// still recovers panics, but a panic loses the rest of that container). The
// engine, not the unpacker, cleans member names, bounds expanded bytes, depth
// and member counts, and records findings for what it had to refuse.
package unpack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"
)

// Input is one container to unpack.
type Input struct {
	// Path is the virtual path of the container, for error messages only.
	Path string
	// R reads the container's bytes; Size is their length.
	R    io.ReaderAt
	Size int64
	// Head holds the first bytes of the container (up to 64 KiB).
	Head []byte
	// Sibling opens a file that sits beside the container (same directory
	// on disk or same parent container), e.g. an MSI's external CAB. It
	// returns fs.ErrNotExist when there is none. May be nil.
	Sibling func(name string) (io.ReaderAt, int64, error)
	// MaxMembers is the member bound; an unpacker whose format declares a
	// larger count may stop early and return a *limits.Exceeded.
	MaxMembers int
	// Meta collects facts about the container itself (package name and
	// version, signing state, …); the engine copies it to the container's
	// File.Meta. Keys are "<format>.<name>". Never nil.
	Meta map[string]string
}

// Type is the type of a member.
type Type int

// Member types.
const (
	TypeFile Type = iota
	TypeDir
	TypeSymlink
	TypeHardlink
	TypeOther // device, fifo, …
)

func (t Type) String() string {
	switch t {
	case TypeFile:
		return "file"
	case TypeDir:
		return "dir"
	case TypeSymlink:
		return "symlink"
	case TypeHardlink:
		return "hardlink"
	}
	return "other"
}

// Member is one entry of a container, handed to the engine's Emit callback.
type Member struct {
	// Name is the member's name as the container stores it, with '/' as the
	// separator. The engine cleans it and reports traversal, absolute and
	// duplicate names; unpackers pass it through unchanged.
	Name string
	Type Type
	// LinkTarget is the target of a symlink or hard link, unchanged.
	LinkTarget string
	// Size is the declared expanded size, or -1 when unknown.
	Size    int64
	Mode    fs.FileMode
	ModTime time.Time
	// Open returns the member's expanded bytes. It is valid only until Emit
	// returns, and may not be called at all (the engine skips directories,
	// links and members over a limit). For a member that cannot be read
	// (unsupported compression, corrupt data) Open returns that error.
	Open func() (io.ReadCloser, error)
	// Meta carries format facts the engine copies to the file's Meta
	// (e.g. "deb.part": "control"). Keys are "<format>.<name>".
	Meta map[string]string
	// Transparent marks the single member of a pure compression layer
	// (gzip, xz, …). When its content is itself a container the engine
	// unpacks it in place, so "data.tar.xz!/usr/bin/x" rather than
	// "data.tar.xz!/data.tar!/usr/bin/x".
	Transparent bool
}

// Emit receives members in container order. An error from Emit (the run was
// cancelled or a limit hit) must stop the unpacker, which returns it.
type Emit func(*Member) error

// Unpacker opens one container format.
type Unpacker interface {
	// Name is the format's short name, lower case: "zip", "msi", "nsis".
	Name() string
	// Match reports, from the head bytes (and, if cheap, a few reads of
	// R), whether this unpacker handles the input. It must never trust a
	// file name.
	Match(in *Input) bool
	// Unpack emits every member. It returns nil when the container was read
	// to the end, an error wrapping ErrCorrupt or ErrUnsupported for damage
	// found along the way (members emitted before it still count), or the
	// error Emit returned.
	Unpack(ctx context.Context, in *Input, emit Emit) error
}

// Errors that unpackers wrap so the engine can word its report.
var (
	// ErrCorrupt: the container is truncated or its structure lies.
	ErrCorrupt = errors.New("corrupt container")
	// ErrUnsupported: a valid feature vouch cannot read (LZX, encryption…).
	ErrUnsupported = errors.New("unsupported")
)

// ReadAll reads r fully but not beyond max bytes; it is meant for small
// metadata members (tables, headers, scripts).
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("metadata member larger than %d bytes", max)
	}
	return b, nil
}
