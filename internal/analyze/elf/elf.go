// Package elf records structure facts about ELF files: class, machine,
// type, interpreter, DT_NEEDED, soname, dynamic imports and exports,
// sections and segments with entropy, start-up entries (.preinit_array,
// .init_array, .ctors), IFUNC symbols, the GNU build id and Go build
// information. Detectors and the diff read these facts; this package
// judges nothing.
//
// Symbol names are reported without versions ("memcpy", not
// "memcpy@GLIBC_2.14"): a symbol whose version moves is not a new
// capability, and unversioned names keep release-to-release diffs quiet.
//
// # Security
//
// The headers are read by this package's own parser, not by debug/elf,
// which is documented as not hardened against hostile input. Every count
// and offset is checked against the file size before anything is
// allocated, tables are read in bounded chunks, string tables are loaded
// only up to 16 MiB (longer ones are read name by name), and nothing is
// ever decompressed: SHF_COMPRESSED sections are measured as stored.
//
// Go build information is read with debug/buildinfo, which opens the file
// with debug/elf. That happens only after this parser has read every
// section header and found at most maxSections of them, all inside the
// file, and a section-name string table that is not SHF_COMPRESSED
// (debug/elf would inflate that one with no bound: "512MB of zeros is
// 510KB of zlib"). Past elf.NewFile, buildinfo reads only file bytes: it
// searches the data segment in 1 MiB chunks and reads strings through
// readers bounded by the segment's size in the file. A panic in it is
// recovered here and loses only the Go facts.
//
// # Limits
//
// Lists are capped (see the max* constants); a list that was cut is named
// in [model.ELFFacts].Truncated. Work is budgeted over the whole file, not
// per table, so thousands of sections claiming the same bytes cannot
// multiply it: entropy over at most three times the file size, 4 Mi symbol
// entries, 64 MiB of string tables loaded, 64 MiB of names read one by
// one, 4 MiB of notes. Malformed input yields the facts read so far plus
// an error.
package elf

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the analyzer.
const Name = "elf"

// Limits on what is read and reported.
const (
	maxSections    = 1 << 16  // section headers read
	maxListed      = 4096     // sections and segments listed in the facts
	maxSymbols     = 1 << 20  // entries read per symbol table
	maxNames       = 1 << 17  // names per imports/exports/ifuncs list
	maxNameBytes   = 16 << 20 // bytes of all symbol names kept
	maxNameLen     = 1024     // bytes of one symbol name
	maxStrtabLoad  = 16 << 20 // string tables loaded whole up to this size
	maxDynEntries  = 1 << 16  // dynamic section entries
	maxNeeded      = 4096     // DT_NEEDED and DT_RPATH/RUNPATH entries
	maxNoteBytes   = 1 << 20  // bytes read per note section or segment
	maxInterpLen   = 4096
	maxAnomalies   = 64
	maxGoDeps      = 10000
	maxGoSettings  = 1000
	maxCtorsRead   = 8 << 20 // .ctors bytes read to find its sentinels
	entropyPerByte = 3       // entropy budget, in multiples of the file size

	// Budgets over the whole file, so that many sections claiming the same
	// bytes (65536 symbol tables over one region) cannot multiply the work.
	maxSymbolsTotal  = 4 << 20  // symbol entries read, all tables
	maxStrtabsLoaded = 64 << 20 // string table bytes loaded whole, all tables
	maxNotesTotal    = 4 << 20  // note bytes read, all sections
	maxCtorsTotal    = 8 << 20  // .ctors bytes read, all sections
	maxLookupBytes   = 64 << 20 // bytes read name by name from unloaded string tables
)

type analyzer struct{}

// New returns the ELF analyzer.
func New() analyze.Analyzer { return analyzer{} }

func (analyzer) Name() string           { return Name }
func (analyzer) Match(kind string) bool { return kind == identify.ELF }

// Analyze sets f.Facts.ELF. On malformed input the facts read so far stay
// and the error lists what could not be read.
func (analyzer) Analyze(ctx context.Context, in *analyze.Input, f *model.File) (err error) {
	ef := &model.ELFFacts{}
	f.Facts.ELF = ef
	p := &parser{
		ctx:        ctx,
		r:          io.NewSectionReader(in.R, 0, in.Size),
		size:       uint64(max(in.Size, 0)),
		ef:         ef,
		truncated:  map[string]bool{},
		budget:     uint64(max(in.Size, 0)) * entropyPerByte,
		nameBytes:  maxNameBytes,
		symLeft:    maxSymbolsTotal,
		strLeft:    maxStrtabsLoaded,
		noteLeft:   maxNotesTotal,
		ctorsLeft:  maxCtorsTotal,
		lookupLeft: maxLookupBytes,
	}
	defer func() {
		// Last resort: the parser checks every bound, but a panic must
		// still become an error with the facts read so far.
		if r := recover(); r != nil {
			p.errs = append(p.errs, fmt.Errorf("panic while parsing: %v", r))
		}
		p.finish()
		err = p.err()
	}()
	p.run()
	return nil
}

// run reads the file part by part; a part that fails is recorded and the
// parts that do not depend on it still run.
func (p *parser) run() {
	if err := p.header(); err != nil {
		p.fail(err)
		return
	}
	if err := p.programs(); err != nil {
		p.fail(fmt.Errorf("program headers: %w", err))
	}
	if err := p.sectionHeaders(); err != nil {
		p.fail(fmt.Errorf("section headers: %w", err))
	}
	steps := []struct {
		what string
		fn   func() error
	}{
		{"segments", p.segments},
		{"sections", p.sectionFacts},
		{"dynamic section", p.dynamic},
		{"dynamic symbols", p.dynamicSymbols},
		{"symbol table", p.symbolTable},
		{"start-up arrays", p.initArrays},
		{"notes", p.notes},
	}
	for _, s := range steps {
		if p.ctx.Err() != nil {
			p.fail(p.ctx.Err())
			return
		}
		if err := s.fn(); err != nil {
			p.fail(fmt.Errorf("%s: %w", s.what, err))
		}
	}
	p.linkage()
	p.goBuild()
}

// goBuild records Go build information (see the package doc for why
// debug/buildinfo may be called at all).
func (p *parser) goBuild() {
	isGo := p.goNote != ""
	for _, s := range p.sects {
		switch s.name {
		case ".gopclntab", ".go.buildinfo", ".go.module", ".gosymtab", ".note.go.buildid":
			isGo = true
		}
	}
	// Without section headers only buildinfo itself can tell.
	if !(isGo || p.shnum == 0) || !p.sectionsSafe {
		return
	}
	bi, err := readBuildInfo(p.r)
	if errors.Is(err, errBuildInfoPanic) {
		p.fail(err)
	}
	if err != nil && !isGo {
		return
	}
	g := &model.GoBuild{BuildID: p.goNote}
	p.ef.Go = g
	if err != nil {
		return // a Go binary whose build info blob is gone (stripped)
	}
	g.Version = bi.GoVersion
	g.Path = bi.Path
	if bi.Main.Path != "" {
		g.Module = modString(&bi.Main)
	}
	for i, d := range bi.Deps {
		if i == maxGoDeps {
			p.truncated["go.deps"] = true
			break
		}
		g.Deps = append(g.Deps, modString(d))
	}
	sort.Strings(g.Deps)
	for i, s := range bi.Settings {
		if i == maxGoSettings {
			p.truncated["go.settings"] = true
			break
		}
		if g.Settings == nil {
			g.Settings = map[string]string{}
		}
		g.Settings[s.Key] = s.Value
	}
}

func modString(m *debug.Module) string {
	s := m.Path
	if m.Version != "" {
		s += "@" + m.Version
	}
	if r := m.Replace; r != nil {
		s += " => " + r.Path
		if r.Version != "" {
			s += "@" + r.Version
		}
	}
	return s
}

var errBuildInfoPanic = errors.New("debug/buildinfo.Read panicked")

// readBuildInfo calls debug/buildinfo, turning a panic into an error.
func readBuildInfo(r io.ReaderAt) (bi *buildinfo.BuildInfo, err error) {
	defer func() {
		if x := recover(); x != nil {
			bi, err = nil, fmt.Errorf("%w: %v", errBuildInfoPanic, x)
		}
	}()
	return buildinfo.Read(r)
}

// linkage derives PIE and Static from the headers and dynamic section.
func (p *parser) linkage() {
	ef := p.ef
	switch p.typ {
	case etExec:
		ef.Static = ef.Interpreter == "" && len(ef.Needed) == 0
	case etDyn:
		pie := p.dyn.flags1&df1PIE != 0
		ef.PIE = pie || (ef.Interpreter != "" && ef.Soname == "")
		ef.Static = pie && ef.Interpreter == "" && len(ef.Needed) == 0 // static-pie
	}
}

// finish sorts and dedups what was collected.
func (p *parser) finish() {
	ef := p.ef
	ef.Imports = sortedSet(p.imports)
	ef.Exports = sortedSet(p.exports)
	ef.IFuncs = sortedSet(p.ifuncs)
	for k := range p.truncated {
		ef.Truncated = append(ef.Truncated, k)
	}
	sort.Strings(ef.Truncated)
}

func sortedSet(m map[string]struct{}) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (p *parser) fail(err error) { p.errs = append(p.errs, err) }

func (p *parser) anomaly(format string, args ...any) {
	if len(p.ef.Anomalies) >= maxAnomalies {
		p.truncated["anomalies"] = true
		return
	}
	p.ef.Anomalies = append(p.ef.Anomalies, fmt.Sprintf(format, args...))
}

func (p *parser) err() error {
	return errors.Join(p.errs...)
}
