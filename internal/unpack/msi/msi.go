// Package msi reads Windows Installer packages (.msi, and the patches and
// transforms that share their format) and, as a fallback, any other OLE
// compound file.
//
// An MSI is an OLE compound file holding a small relational database. The
// files it installs sit in cabinets, embedded as streams or beside the
// package; inside a cabinet each file is named by its File table key, and
// the real name and install directory come from the File, Component and
// Directory tables. The unpacker emits, in this order:
//
//   - every file of every cabinet the Media table lists, named by its
//     resolved install path with long names ("ProgramFilesFolder/TinyApp/
//     ffmpeg.dll"), with "msi.file_key", "msi.component", "msi.version";
//     a cabinet file no File row names keeps its key and gets
//     "msi.orphan"="true";
//   - the streams of tables with a binary column, such as the custom-action
//     DLLs and scripts of the Binary table ("Binary/<Name>", with
//     "msi.table" and the custom actions that use them);
//   - inline script custom actions ("CustomAction/<Action>.vbs");
//   - every other stream not consumed above, so nothing stored is hidden.
//
// Package facts (product name, version, manufacturer, summary information,
// signature presence) go to the container's meta under "msi.*".
//
// # Security
//
// mscfb parses the compound file; its reads are bounded while it loads the
// directory and a panic in it becomes an error. Database streams are read
// whole only up to fixed caps (string pool, string data, each table); table
// sizes must be whole rows; string ids outside the pool read as empty and
// are reported; column numbers are bounded. Directory parent chains stop at
// a depth bound and at cycles. Streams claiming more bytes than the input
// are refused. Cabinets are read by the cab package under its own bounds.
package msi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/cab"
)

// Name is the format name.
const Name = "msi"

// maxDirDepth bounds the Directory parent chain; Windows paths end long
// before.
const maxDirDepth = 64

// maxProblems bounds the problems remembered for the final error.
const maxProblems = 16

// systemFolders are the Directory keys Windows Installer resolves to a
// location of its own rather than through the table, so they name the path.
var systemFolders = map[string]bool{
	"AdminToolsFolder": true, "AppDataFolder": true, "CommonAppDataFolder": true,
	"CommonFiles64Folder": true, "CommonFiles6432Folder": true, "CommonFilesFolder": true,
	"DesktopFolder": true, "FavoritesFolder": true, "FontsFolder": true,
	"LocalAppDataFolder": true, "MyPicturesFolder": true, "NetHoodFolder": true,
	"PersonalFolder": true, "PrintHoodFolder": true, "ProgramFiles64Folder": true,
	"ProgramFiles6432Folder": true, "ProgramFilesFolder": true, "ProgramMenuFolder": true,
	"RecentFolder": true, "SendToFolder": true, "StartMenuFolder": true,
	"StartupFolder": true, "System16Folder": true, "System64Folder": true,
	"System6432Folder": true, "SystemFolder": true, "TempFolder": true,
	"TemplateFolder": true, "WindowsFolder": true, "WindowsVolume": true,
}

type unpacker struct{}

// New returns the MSI unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

// Match accepts a compound file whose root class is an installer package,
// patch or transform, or, for tools that leave the class zero, one that
// holds the MSI string pool.
func (unpacker) Match(in *unpack.Input) bool {
	if !bytes.HasPrefix(in.Head, cfbMagic) {
		return false
	}
	switch rootCLSID(in.R) {
	case clsidPackage, clsidPatch, clsidTransform:
		return true
	}
	c, err := openCompound(in.R, in.Size)
	if err != nil {
		return false
	}
	return c.tables["_StringPool"] != nil && c.tables["_StringData"] != nil
}

// database is one package being unpacked.
type database struct {
	in       *unpack.Input
	c        *compound
	sp       *stringPool
	cols     map[string][]column
	badRefs  int
	problems []error
	dirs     map[string]dirRow
	dirCache map[string]string
	cycle    bool
}

type dirRow struct{ parent, name string }

func (d *database) problem(err error) {
	if err != nil && len(d.problems) < maxProblems {
		d.problems = append(d.problems, err)
	}
}

func (unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	c, err := openCompound(in.R, in.Size)
	if err != nil {
		return err
	}
	d := &database{in: in, c: c, dirCache: map[string]string{}}
	if k := c.kind(); k != "" {
		in.Meta["msi.kind"] = k
	}
	d.readStreamsMeta()
	// A transform's tables hold row operations, not rows: only its
	// streams are listed.
	if c.kind() != "transform" {
		d.problem(d.loadSchema())
	}
	if err := d.unpack(ctx, emit); err != nil {
		return err
	}
	if d.badRefs > 0 {
		d.problem(fmt.Errorf("%d string ids outside the string pool: %w", d.badRefs, unpack.ErrCorrupt))
	}
	return errors.Join(d.problems...)
}

// readStreamsMeta records the summary information and signature streams.
func (d *database) readStreamsMeta() {
	if s := d.c.root["\x05SummaryInformation"]; s != nil {
		s.used = true
		if b, err := d.c.readStream(s, 1<<20); err == nil {
			parseSummary(b, d.in.Meta)
		}
	}
	if s := d.c.root["\x05DigitalSignature"]; s != nil {
		s.used = true
		d.in.Meta["msi.signed"] = "true"
	}
	if s := d.c.root["\x05MsiDigitalSignatureEx"]; s != nil {
		s.used = true
		d.in.Meta["msi.signature_ex"] = "true"
	}
}

// loadSchema reads the string pool and _Columns.
func (d *database) loadSchema() error {
	pool, data := d.c.tables["_StringPool"], d.c.tables["_StringData"]
	if pool == nil || data == nil {
		return fmt.Errorf("no string pool: %w", unpack.ErrCorrupt)
	}
	pool.used, data.used = true, true
	pb, err := d.c.readStream(pool, maxPoolBytes)
	if err != nil {
		return fmt.Errorf("_StringPool: %w", err)
	}
	db, err := d.c.readStream(data, maxStringBytes)
	if err != nil {
		return fmt.Errorf("_StringData: %w", err)
	}
	d.sp, err = loadStringPool(pb, db)
	d.problem(err)
	if s := d.c.tables["_Tables"]; s != nil {
		s.used = true
	}
	cs := d.c.tables["_Columns"]
	if cs == nil {
		return fmt.Errorf("no _Columns table: %w", unpack.ErrCorrupt)
	}
	cs.used = true
	cb, err := d.c.readStream(cs, maxTableBytes)
	if err != nil {
		return fmt.Errorf("_Columns: %w", err)
	}
	d.cols, err = loadColumns(cb, d.sp, &d.badRefs)
	// Streams of known tables are database rows, not content.
	for name := range d.cols {
		if s := d.c.tables[name]; s != nil {
			s.used = true
		}
	}
	return err
}

// table reads a table, or returns nil when it is absent or unreadable (a
// problem is recorded for the latter). A table with columns and no stream
// is empty.
func (d *database) table(name string) *table {
	cols, ok := d.cols[name]
	if !ok {
		return nil
	}
	var data []byte
	if s := d.c.tables[name]; s != nil {
		s.used = true
		var err error
		if data, err = d.c.readStream(s, maxTableBytes); err != nil {
			d.problem(fmt.Errorf("table %q: %w", name, err))
			return nil
		}
	}
	t, err := newTable(name, cols, data, d.sp, &d.badRefs)
	if err != nil {
		d.problem(err)
		return nil
	}
	return t
}

// fileRow is one row of the File table.
type fileRow struct {
	key, component, name, version string
	size                          int64
	hasSize                       bool
}

type action struct {
	name           string
	typ            int64
	source, target string
}

func (a action) kind() string {
	switch a.typ & 0x07 {
	case 1:
		return "dll"
	case 2:
		return "exe"
	case 3:
		return "text"
	case 5:
		return "jscript"
	case 6:
		return "vbscript"
	case 7:
		return "install"
	}
	return "type" + strconv.FormatInt(a.typ&0x3F, 10)
}

// Custom action source bits (type & 0x30).
const (
	sourceBinary    = 0x00
	sourceFile      = 0x10
	sourceDirectory = 0x20
)

func (a action) String() string {
	s := a.name + " (" + a.kind()
	// Inline scripts are emitted as members; their text stays out of meta.
	if a.target != "" && !a.inlineScript() {
		t := a.target
		if len(t) > 200 {
			t = t[:200] + "…"
		}
		s += " " + t
	}
	return s + ", type " + strconv.FormatInt(a.typ, 10) + ")"
}

func (d *database) unpack(ctx context.Context, emit unpack.Emit) error {
	if d.cols == nil {
		// Without a schema only the raw streams can be listed.
		return d.emitRest(ctx, emit)
	}
	d.readProperties()
	files, fileOrder := d.readFiles()
	comps := d.readComponents()
	d.readDirectories()
	actions := d.readActions()

	byBinary := map[string][]string{}
	byFile := map[string][]string{}
	var all []string
	for _, a := range actions {
		all = append(all, a.String())
		switch a.typ & 0x30 {
		case sourceBinary:
			if a.kind() != "install" {
				byBinary[a.source] = append(byBinary[a.source], a.String())
			}
		case sourceFile:
			byFile[a.source] = append(byFile[a.source], a.String())
		}
	}
	if len(actions) > 0 {
		d.in.Meta["msi.custom_actions"] = capJoin(all)
	}
	if len(fileOrder) > 0 {
		d.in.Meta["msi.files"] = strconv.Itoa(len(fileOrder))
	}

	seen, err := d.emitCabinets(ctx, emit, files, comps, byFile)
	if err != nil {
		return err
	}
	missing := 0
	for _, f := range fileOrder {
		if !seen[f.key] {
			missing++
		}
	}
	if missing > 0 {
		// Uncompressed files beside the package, or rows with no data.
		d.in.Meta["msi.files_not_in_cabinets"] = strconv.Itoa(missing)
	}
	if err := d.emitBinaryStreams(ctx, emit, byBinary); err != nil {
		return err
	}
	if err := d.emitScripts(ctx, emit, actions); err != nil {
		return err
	}
	return d.emitRest(ctx, emit)
}

func capJoin(ss []string) string {
	s := strings.Join(ss, "; ")
	if len(s) > 4*maxMetaValue {
		s = s[:4*maxMetaValue] + "…"
	}
	return s
}

func (d *database) readProperties() {
	t := d.table("Property")
	if t == nil {
		return
	}
	want := map[string]string{
		"ProductName": "msi.product_name", "ProductVersion": "msi.product_version",
		"Manufacturer": "msi.manufacturer", "ProductCode": "msi.product_code",
		"UpgradeCode": "msi.upgrade_code",
	}
	kc, vc := t.col("Property"), t.col("Value")
	for r := 0; r < t.rows; r++ {
		if key, ok := want[t.str(r, kc)]; ok {
			v := t.str(r, vc)
			if len(v) > maxMetaValue {
				v = v[:maxMetaValue]
			}
			d.in.Meta[key] = v
		}
	}
}

func (d *database) readFiles() (map[string]*fileRow, []*fileRow) {
	files := map[string]*fileRow{}
	var order []*fileRow
	t := d.table("File")
	if t == nil {
		return files, nil
	}
	kc, cc, nc, sc, vc := t.col("File"), t.col("Component_"), t.col("FileName"), t.col("FileSize"), t.col("Version")
	for r := 0; r < t.rows; r++ {
		f := &fileRow{key: t.str(r, kc), component: t.str(r, cc), name: longName(t.str(r, nc)), version: t.str(r, vc)}
		f.size, f.hasSize = t.num(r, sc)
		if _, dup := files[f.key]; dup || f.key == "" {
			continue
		}
		files[f.key] = f
		order = append(order, f)
	}
	return files, order
}

func (d *database) readComponents() map[string]string {
	comps := map[string]string{}
	t := d.table("Component")
	if t == nil {
		return comps
	}
	kc, dc := t.col("Component"), t.col("Directory_")
	for r := 0; r < t.rows; r++ {
		comps[t.str(r, kc)] = t.str(r, dc)
	}
	return comps
}

func (d *database) readDirectories() {
	d.dirs = map[string]dirRow{}
	t := d.table("Directory")
	if t == nil {
		return
	}
	kc, pc, nc := t.col("Directory"), t.col("Directory_Parent"), t.col("DefaultDir")
	for r := 0; r < t.rows; r++ {
		d.dirs[t.str(r, kc)] = dirRow{parent: t.str(r, pc), name: targetName(t.str(r, nc))}
	}
}

func (d *database) readActions() []action {
	t := d.table("CustomAction")
	if t == nil {
		return nil
	}
	ac, tc, sc, gc := t.col("Action"), t.col("Type"), t.col("Source"), t.col("Target")
	var out []action
	for r := 0; r < t.rows; r++ {
		typ, _ := t.num(r, tc)
		out = append(out, action{name: t.str(r, ac), typ: typ, source: t.str(r, sc), target: t.str(r, gc)})
	}
	return out
}

// longName picks the long half of a "short|long" file name.
func longName(s string) string {
	if i := strings.IndexByte(s, '|'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// targetName picks the long target name from a DefaultDir
// "target[:source]" whose parts may each be "short|long".
func targetName(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return longName(s)
}

// dirPath resolves a Directory key to an install path of long names. The
// root (TARGETDIR, SourceDir) and "." entries drop out; a system folder
// such as ProgramFilesFolder names itself and ends the walk.
func (d *database) dirPath(key string) string {
	if p, ok := d.dirCache[key]; ok {
		return p
	}
	var parts []string
	seen := map[string]bool{}
	for k, depth := key, 0; k != ""; depth++ {
		if seen[k] || depth >= maxDirDepth {
			if !d.cycle {
				d.cycle = true
				d.problem(fmt.Errorf("directory %q: cycle or over %d levels in its parent chain: %w", key, maxDirDepth, unpack.ErrCorrupt))
			}
			break
		}
		seen[k] = true
		if systemFolders[k] {
			parts = append(parts, k)
			break
		}
		row, ok := d.dirs[k]
		if !ok {
			// Not in the table: a property set at install time.
			parts = append(parts, k)
			break
		}
		if k == "TARGETDIR" || row.parent == "" || row.parent == k {
			break
		}
		if row.name != "." && row.name != "" {
			parts = append(parts, row.name)
		}
		k = row.parent
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	p := strings.Join(parts, "/")
	d.dirCache[key] = p
	return p
}

type media struct {
	disk    int64
	cabinet string
}

// emitCabinets walks every cabinet of the Media table and emits its files.
// It returns the File keys it saw.
func (d *database) emitCabinets(ctx context.Context, emit unpack.Emit, files map[string]*fileRow, comps map[string]string, byFile map[string][]string) (map[string]bool, error) {
	seen := map[string]bool{}
	t := d.table("Media")
	if t == nil {
		return seen, nil
	}
	var ms []media
	dc, cc := t.col("DiskId"), t.col("Cabinet")
	for r := 0; r < t.rows; r++ {
		disk, _ := t.num(r, dc)
		if cab := t.str(r, cc); cab != "" {
			ms = append(ms, media{disk, cab})
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].disk < ms[j].disk })
	done := map[string]bool{}
	var external, missing []string
	for _, m := range ms {
		if done[m.cabinet] {
			continue
		}
		done[m.cabinet] = true
		var r io.ReaderAt
		var size int64
		if name, ok := strings.CutPrefix(m.cabinet, "#"); ok {
			s := d.c.root[name]
			if s == nil {
				d.problem(fmt.Errorf("embedded cabinet %q: no such stream: %w", name, unpack.ErrCorrupt))
				continue
			}
			s.used = true
			r, size = newStreamReader(s.f), s.f.Size
			if size > d.c.size {
				// Truncated, or lying: no stream holds more than the
				// file, and the cabinet reader reports what is missing.
				d.problem(fmt.Errorf("embedded cabinet %q: %d bytes in a %d-byte file: %w", name, size, d.c.size, unpack.ErrCorrupt))
				size = d.c.size
			}
		} else {
			external = append(external, m.cabinet)
			if strings.ContainsAny(m.cabinet, `/\:`) || m.cabinet == ".." {
				// A cabinet sits beside the package: a path here
				// could only reach somewhere else.
				d.problem(fmt.Errorf("external cabinet %q: not a plain file name: %w", m.cabinet, unpack.ErrUnsupported))
				missing = append(missing, m.cabinet)
				continue
			}
			if d.in.Sibling == nil {
				missing = append(missing, m.cabinet)
				continue
			}
			var err error
			r, size, err = d.in.Sibling(m.cabinet)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					d.problem(fmt.Errorf("external cabinet %q: %v: %w", m.cabinet, err, unpack.ErrUnsupported))
				}
				missing = append(missing, m.cabinet)
				continue
			}
		}
		if err := d.walkCabinet(ctx, emit, m.cabinet, r, size, files, comps, byFile, seen); err != nil {
			return nil, err
		}
	}
	if len(external) > 0 {
		d.in.Meta["msi.external_cabinets"] = strings.Join(external, ",")
	}
	if len(missing) > 0 {
		d.in.Meta["msi.missing_cabinets"] = strings.Join(missing, ",")
	}
	return seen, nil
}

// emitError marks an error that came from emit, to be returned as is.
type emitError struct{ err error }

func (e emitError) Error() string { return e.err.Error() }

func (d *database) walkCabinet(ctx context.Context, emit unpack.Emit, cabName string, r io.ReaderAt, size int64,
	files map[string]*fileRow, comps map[string]string, byFile map[string][]string, seen map[string]bool) error {
	err := cab.Walk(ctx, r, size, func(cf *cab.File, open func() (io.ReadCloser, error)) error {
		meta := map[string]string{"msi.cabinet": strings.TrimPrefix(cabName, "#")}
		m := &unpack.Member{Type: unpack.TypeFile, Size: cf.Size, Mode: 0o644, ModTime: cf.ModTime, Open: open, Meta: meta}
		f := files[cf.Name]
		if f == nil {
			m.Name = cf.Name
			meta["msi.orphan"] = "true"
		} else {
			seen[f.key] = true
			m.Name = f.name
			if dir := d.dirPath(comps[f.component]); dir != "" {
				m.Name = dir + "/" + f.name
			}
			meta["msi.file_key"] = f.key
			meta["msi.component"] = f.component
			if f.version != "" {
				meta["msi.version"] = f.version
			}
			if f.hasSize && f.size != cf.Size {
				meta["msi.declared_size"] = strconv.FormatInt(f.size, 10)
			}
			if as := byFile[f.key]; len(as) > 0 {
				meta["msi.custom_actions"] = capJoin(as)
			}
		}
		if err := emit(m); err != nil {
			return emitError{err}
		}
		return nil
	})
	var ee emitError
	switch {
	case errors.As(err, &ee):
		return ee.err
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		d.problem(fmt.Errorf("cabinet %q: %w", cabName, err))
	}
	return nil
}

// emitBinaryStreams emits the streams behind every binary column: the
// stream of a row is named "<Table>.<key1>.<key2>…".
func (d *database) emitBinaryStreams(ctx context.Context, emit unpack.Emit, byBinary map[string][]string) error {
	var names []string
	for name, cols := range d.cols {
		for _, c := range cols {
			if c.isBinary() {
				names = append(names, name)
				break
			}
		}
	}
	sort.Strings(names)
	for _, name := range names {
		t := d.table(name)
		if t == nil {
			continue
		}
		var keys []int
		for i, c := range t.cols {
			if c.isKey() && !c.isBinary() {
				keys = append(keys, i)
			}
		}
		if len(keys) == 0 {
			continue
		}
		for r := 0; r < t.rows; r++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			vals := make([]string, len(keys))
			for i, k := range keys {
				vals[i] = t.cell(r, k)
			}
			key := strings.Join(vals, ".")
			s := d.c.root[name+"."+key]
			if s == nil || s.used {
				continue
			}
			s.used = true
			meta := map[string]string{"msi.table": name}
			if name == "Binary" {
				if as := byBinary[key]; len(as) > 0 {
					meta["msi.custom_actions"] = capJoin(as)
				}
			}
			if err := emit(d.streamMember(name+"/"+key, s, meta)); err != nil {
				return err
			}
		}
	}
	return nil
}

// inlineScript reports a JScript or VBScript custom action whose code is
// the Target text itself (types 37 and 38).
func (a action) inlineScript() bool {
	k := a.kind()
	return a.typ&0x30 == sourceDirectory && (k == "jscript" || k == "vbscript")
}

// emitScripts emits the inline script custom actions.
func (d *database) emitScripts(ctx context.Context, emit unpack.Emit, actions []action) error {
	for _, a := range actions {
		if !a.inlineScript() || a.target == "" {
			continue
		}
		ext := ".js"
		if a.kind() == "vbscript" {
			ext = ".vbs"
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		script := a.target
		err := emit(&unpack.Member{
			Name: "CustomAction/" + a.name + ext, Type: unpack.TypeFile, Size: int64(len(script)), Mode: 0o644,
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(script)), nil },
			Meta: map[string]string{"msi.table": "CustomAction", "msi.custom_actions": a.String()},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// emitRest emits every stream nothing above consumed: streams of rows that
// are gone, of unknown tables, of sub-storages, or hidden on purpose.
func (d *database) emitRest(ctx context.Context, emit unpack.Emit) error {
	for _, s := range d.c.streams {
		if s.used {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		var parts []string
		for _, p := range s.path {
			n, _ := decodeStreamName(p)
			parts = append(parts, printable(n))
		}
		parts = append(parts, printable(s.name))
		meta := map[string]string{"msi.stream": "unreferenced"}
		if s.table {
			meta["msi.stream"] = "table-without-schema"
		}
		if err := emit(d.streamMember(strings.Join(parts, "/"), s, meta)); err != nil {
			return err
		}
	}
	return nil
}

// printable drops the control characters OLE puts at the start of special
// stream names ("\x05SummaryInformation").
func printable(s string) string {
	return strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06")
}

func (d *database) streamMember(name string, s *stream, meta map[string]string) *unpack.Member {
	size := s.f.Size
	return &unpack.Member{
		Name: name, Type: unpack.TypeFile, Size: size, Mode: 0o644, Meta: meta,
		Open: func() (io.ReadCloser, error) {
			if size > d.c.size {
				return nil, fmt.Errorf("stream %q: %d bytes in a %d-byte file: %w", name, size, d.c.size, unpack.ErrCorrupt)
			}
			return io.NopCloser(io.NewSectionReader(newStreamReader(s.f), 0, size)), nil
		},
	}
}
