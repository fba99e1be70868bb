// Package engine runs one inspection: it walks the target, unpacks
// containers depth-first under the limits, identifies every file, hands
// files to a pool of analysis workers, runs the detectors and assembles the
// report.
//
// # Security
//
// The walker is the single place where limits are enforced (depth, bytes,
// ratio, member counts, per-file time). Member names from containers are
// cleaned here and never reach the host filesystem: bytes live in memory or
// in unlinked files of a private temp directory. A panic in a plugin is
// recovered and recorded against the file it was reading.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/unpack"
)

// Config says what to run and within which limits.
type Config struct {
	Limits    limits.Limits
	Workers   int // analysis workers; 0 means GOMAXPROCS
	Unpackers []unpack.Unpacker
	Analyzers []analyze.Analyzer
	Detectors []detect.Detector
	Tool      model.Tool
	// Progress, when set, is updated as files are analysed.
	Progress *Progress
	// Shared, when set, lets inspections running at once analyse
	// identical bytes once (see Shared).
	Shared *Shared
	// FuzzyHash fills File.TLSH for native executables, so a diff can
	// pair renamed binaries.
	FuzzyHash bool
}

// Progress counts work done, for a progress bar. Safe for concurrent use;
// several inspections may share one (the two sides of a diff), each adding
// its own work.
type Progress struct {
	Files atomic.Int64 // files analysed, at any depth
	// Bytes of the target's own files consumed by the unpackers so far
	// (compressed bytes: how far through the release the walk is), out of
	// Total.
	Bytes atomic.Int64
	Total atomic.Int64
}

// progressReader adds to Progress.Bytes as an unpacker reads further into
// a top-level file; read is how far into the file it has got.
type progressReader struct {
	r    io.ReaderAt
	read *atomic.Int64
	p    *Progress
}

func (pr progressReader) ReadAt(b []byte, off int64) (int, error) {
	n, err := pr.r.ReadAt(b, off)
	end := off + int64(n)
	for {
		old := pr.read.Load()
		if end <= old {
			break
		}
		if pr.read.CompareAndSwap(old, end) {
			pr.p.Bytes.Add(end - old)
			break
		}
	}
	return n, err
}

// TargetError means the target itself could not be read (exit code 3).
type TargetError struct {
	Path string
	Err  error
}

func (e *TargetError) Error() string { return fmt.Sprintf("cannot read target %q: %v", e.Path, e.Err) }
func (e *TargetError) Unwrap() error { return e.Err }

// Inspect analyses target, a file or a directory on the host.
func Inspect(ctx context.Context, target string, cfg Config) (*model.Report, error) {
	if err := cfg.Limits.Validate(); err != nil {
		return nil, err
	}
	st, err := os.Stat(target)
	if err != nil {
		return nil, &TargetError{Path: target, Err: err}
	}
	w := newWalker(cfg)
	defer w.store.close()
	rep := &model.Report{
		Schema: model.SchemaInspect,
		Tool:   cfg.Tool,
		Target: model.Target{Path: target, Kind: "file", Size: st.Size()},
	}
	w.start(ctx)
	if st.IsDir() {
		rep.Target.Kind, rep.Target.Size = "directory", 0
		if cfg.Progress != nil {
			cfg.Progress.Total.Add(dirSize(target))
		}
		err = w.walkDir(ctx, target)
	} else {
		if cfg.Progress != nil {
			cfg.Progress.Total.Add(st.Size())
		}
		err = w.walkHostFile(ctx, target, filepath.Base(target), st)
	}
	w.finish()
	if err != nil {
		return nil, err
	}
	rep.Files, rep.Findings, rep.Errors = w.files, w.findings, w.errors
	for _, f := range rep.Files {
		if len(f.Chain) > 0 || f.Type != "file" {
			continue
		}
		if st.IsDir() {
			rep.Target.Size += f.Size
		} else {
			rep.Target.SHA256 = f.SHA256
		}
	}
	rep.Findings = append(rep.Findings, runDetectors(cfg.Detectors, rep.Files)...)
	rep.Sort()
	return rep, nil
}

func runDetectors(ds []detect.Detector, files []*model.File) []model.Finding {
	var out []model.Finding
	for _, d := range ds {
		if fd, ok := d.(detect.FileDetector); ok {
			for _, f := range files {
				if f.Type == "file" {
					out = append(out, fd.DetectFile(f)...)
				}
			}
		}
		if rd, ok := d.(detect.ReleaseDetector); ok {
			out = append(out, rd.DetectRelease(files)...)
		}
	}
	return out
}

type walker struct {
	cfg   Config
	lim   limits.Limits
	store *store

	total   atomic.Int64 // expanded bytes, whole release
	members int          // files listed from containers, whole release
	stopped error        // a whole-release limit was hit: unpack nothing more

	mu       sync.Mutex
	files    []*model.File
	findings []model.Finding
	errors   []model.FileError

	jobs chan *node
	wg   sync.WaitGroup
}

// node is a file whose bytes are available.
type node struct {
	file    *model.File
	blob    *blob
	head    []byte
	depth   int
	sibling func(string) (io.ReaderAt, int64, error)
	hashed  bool
	read    atomic.Int64 // top-level files: bytes the unpacker has read, for progress
}

func newWalker(cfg Config) *walker {
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	return &walker{cfg: cfg, lim: cfg.Limits, store: &store{budget: cfg.Limits.MemoryBytes}}
}

func (w *walker) start(ctx context.Context) {
	w.jobs = make(chan *node, w.cfg.Workers*2)
	for i := 0; i < w.cfg.Workers; i++ {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for n := range w.jobs {
				w.analyze(ctx, n)
			}
		}()
	}
}

func (w *walker) finish() {
	close(w.jobs)
	w.wg.Wait()
}

func (w *walker) addFile(f *model.File) {
	w.mu.Lock()
	w.files = append(w.files, f)
	w.mu.Unlock()
}

func (w *walker) addFinding(f model.Finding) {
	w.mu.Lock()
	w.findings = append(w.findings, f)
	w.mu.Unlock()
}

func (w *walker) addError(p string, err error) {
	w.mu.Lock()
	w.errors = append(w.errors, model.FileError{Path: p, Error: analyze.OneLine(err)})
	w.mu.Unlock()
}

// limitFinding records that a limit was hit at p.
func (w *walker) limitFinding(p string, e *limits.Exceeded) {
	w.addFinding(model.Finding{
		ID:       "unpack.limit",
		Severity: model.SeverityMedium,
		Path:     p,
		Title:    fmt.Sprintf("stopped unpacking: limit %s reached; the rest of this container was not analysed", e.Limit),
		Evidence: map[string]any{"limit": e.Limit, "value": e.Value, "seen": e.Seen},
	})
}

// dirSize sums regular file sizes for the progress total (stat only).
func dirSize(root string) int64 {
	var n int64
	filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func (w *walker) walkDir(ctx context.Context, root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if p == root {
				return &TargetError{Path: root, Err: err}
			}
			w.addError(rel, err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			w.addError(rel, err)
			return nil
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			w.addFile(&model.File{Path: rel, Kind: "link", Type: "symlink", LinkTo: target, Mode: info.Mode().String()})
		case !info.Mode().IsRegular():
			w.addFile(&model.File{Path: rel, Kind: "special", Type: "other", Mode: info.Mode().String()})
		default:
			return w.walkHostFile(ctx, p, rel, info)
		}
		return nil
	})
}

func (w *walker) walkHostFile(ctx context.Context, hostPath, vpath string, info fs.FileInfo) error {
	f, err := os.Open(hostPath)
	if err != nil {
		if len(w.files) == 0 && vpath == filepath.Base(hostPath) {
			return &TargetError{Path: hostPath, Err: err}
		}
		w.addError(vpath, err)
		return nil
	}
	dir := filepath.Dir(hostPath)
	n := &node{
		file:  &model.File{Path: vpath, Size: info.Size(), Type: "file", Mode: info.Mode().String()},
		blob:  w.store.fromFile(f, info.Size()),
		depth: 0,
		sibling: func(name string) (io.ReaderAt, int64, error) {
			// Only a plain file name beside the container: a name from an
			// archive must never reach another host path.
			if name == "" || name != filepath.Base(name) || strings.ContainsAny(name, `/\`) || name == ".." || name == "." {
				return nil, 0, fs.ErrNotExist
			}
			sf, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				return nil, 0, fs.ErrNotExist
			}
			st, err := sf.Stat()
			if err != nil || !st.Mode().IsRegular() {
				sf.Close()
				return nil, 0, fs.ErrNotExist
			}
			// The file stays open until the process exits; siblings are few.
			return sf, st.Size(), nil
		},
	}
	w.process(ctx, n)
	if p := w.cfg.Progress; p != nil {
		// Whatever the unpacker did not read counts as done now.
		p.Bytes.Add(info.Size() - n.read.Load())
	}
	return nil
}

// process identifies n, queues it for analysis and, when it is a container,
// unpacks it. It consumes the caller's reference to n.blob.
func (w *walker) process(ctx context.Context, n *node) {
	defer n.blob.release()
	n.head = readHead(n.blob.r, n.blob.size)
	f := n.file
	f.Kind = identify.Identify(n.head, n.blob.size, f.Path)
	if strings.HasPrefix(string(n.head), "Cr24") {
		f.Kind = "crx"
	}
	// Text an unpacker knows is run by an interpreter (rpm scriptlets) is
	// a script of that interpreter's language.
	if f.Kind == identify.Text {
		for k, v := range f.Meta {
			if strings.HasSuffix(k, ".interpreter") && v != "" {
				f.Kind = identify.Interpreter(v)
				break
			}
		}
	}
	w.addFile(f)
	in := &unpack.Input{
		Path: f.Path, R: n.blob.r, Size: n.blob.size, Head: n.head,
		Sibling: n.sibling, MaxMembers: w.lim.MaxMembers, Meta: map[string]string{},
	}
	u := w.find(in)
	if p := w.cfg.Progress; p != nil && n.depth == 0 {
		in.R = progressReader{r: in.R, read: &n.read, p: p}
	}
	if u != nil && n.depth >= w.lim.MaxDepth {
		w.limitFinding(f.Path, &limits.Exceeded{Limit: "max-depth", Value: int64(w.lim.MaxDepth), Seen: int64(n.depth)})
		u = nil
	}
	if u != nil && w.stopped != nil {
		u = nil
	}
	if u != nil {
		format, names := w.unpack(ctx, n, u, in, f.Path, u.Name(), f.Chain)
		f.Format = format
		if len(in.Meta) > 0 {
			if f.Meta == nil {
				f.Meta = model.Meta{}
			}
			for k, v := range in.Meta {
				f.Meta[k] = v
			}
		}
		f.Members = len(names)
		f.Kind = refineKind(f.Kind, format, names)
	}
	// Queue analysis only now: from here on the walker no longer writes f,
	// and analyzers see the refined kind and the container's meta.
	n.blob.retain()
	select {
	case w.jobs <- n:
	case <-ctx.Done():
		n.blob.release()
	}
}

func (w *walker) find(in *unpack.Input) (u unpack.Unpacker) {
	for _, c := range w.cfg.Unpackers {
		ok := func() (ok bool) {
			defer func() {
				if r := recover(); r != nil {
					w.addError(in.Path, fmt.Errorf("panic in %s match: %v", c.Name(), r))
					ok = false
				}
			}()
			return c.Match(in)
		}()
		if ok {
			return c
		}
	}
	return nil
}

// stopErr carries a limit already recorded as a finding, so the unpacker's
// returned error is not recorded a second time.
type stopErr struct{ error }

// unpack lists the members of the container n (whose virtual path is
// prefix) and processes each. It returns the effective format (e.g.
// "gzip+tar" when a compression layer held a tar) and the member names.
func (w *walker) unpack(ctx context.Context, n *node, u unpack.Unpacker, in *unpack.Input, prefix, format string, chain []model.Container) (string, []string) {
	var out int64
	count := 0
	seen := map[string]int{}
	var names []string
	var innerFormat string
	childChain := append(append([]model.Container(nil), chain...), model.Container{Path: prefix, Format: format})

	emit := func(m *unpack.Member) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if w.stopped != nil {
			return stopErr{w.stopped}
		}
		count++
		if count > w.lim.MaxMembers {
			e := &limits.Exceeded{Limit: "max-members", Value: int64(w.lim.MaxMembers), Seen: int64(count)}
			w.limitFinding(prefix, e)
			return stopErr{e}
		}
		w.members++
		if w.members > w.lim.MaxTotalMembers {
			e := &limits.Exceeded{Limit: "max-total-members", Value: int64(w.lim.MaxTotalMembers), Seen: int64(w.members)}
			w.limitFinding(prefix, e)
			w.stopped = e
			return stopErr{e}
		}
		name, problems := cleanName(m.Name)
		for _, p := range problems {
			w.addFinding(nameFinding(prefix, m.Name, name, p))
		}
		if m.Type == unpack.TypeFile {
			if k := seen[name]; k > 0 {
				seen[name] = k + 1
				w.addFinding(model.Finding{
					ID: "unpack.duplicate-name", Severity: model.SeverityMedium, Path: prefix + "!/" + name,
					Title:    fmt.Sprintf("container holds %d members named %q; extractors disagree on which one wins", k+1, name),
					Evidence: map[string]any{"name": m.Name, "occurrence": k + 1},
				})
				name = fmt.Sprintf("%s~%d", name, k+1)
			} else {
				seen[name] = 1
			}
			if len(names) < 100_000 {
				names = append(names, name)
			}
		}
		vpath := prefix + "!/" + name
		f := &model.File{Path: vpath, Size: m.Size, Type: m.Type.String(), Chain: childChain}
		if m.Mode != 0 {
			f.Mode = m.Mode.String()
		}
		if len(m.Meta) > 0 {
			f.Meta = model.Meta(m.Meta)
		}
		if m.Type != unpack.TypeFile {
			f.LinkTo = m.LinkTarget
			f.Kind = map[unpack.Type]string{unpack.TypeDir: "dir", unpack.TypeSymlink: "link", unpack.TypeHardlink: "link"}[m.Type]
			if f.Kind == "" {
				f.Kind = "special"
			}
			if m.Type != unpack.TypeDir {
				w.addFile(f)
			}
			return nil
		}
		if f.Size < 0 {
			f.Size = 0
		}
		if m.Open == nil {
			f.Kind, f.Analysis = identify.Data, "skipped: no data"
			w.addFile(f)
			return nil
		}
		rc, err := safeOpen(m)
		if err != nil {
			f.Kind, f.Analysis = "unknown", "skipped: "+err.Error()
			w.addFile(f)
			w.addError(vpath, err)
			return nil
		}
		met := &meter{lim: &w.lim, total: &w.total, container: &out, srcSize: in.Size}
		b, sum, size, err := w.store.materialize(rc, m.Size, met)
		rc.Close()
		if err != nil {
			f.Size, f.Kind = size, "unknown"
			var ex *limits.Exceeded
			if errors.As(err, &ex) {
				f.Analysis = "skipped: limit " + ex.Limit
				w.addFile(f)
				w.limitFinding(vpath, ex)
				switch ex.Limit {
				case "max-total-bytes":
					w.stopped = ex
					return stopErr{ex}
				case "max-ratio":
					return stopErr{ex}
				}
				return nil
			}
			f.Analysis = "skipped: " + err.Error()
			w.addFile(f)
			w.addError(vpath, fmt.Errorf("reading member: %w", err))
			return nil
		}
		f.Size, f.SHA256 = size, sum
		child := &node{file: f, blob: b, depth: n.depth + 1, hashed: true}
		if m.Transparent {
			// A compression layer: unpack its content in place when it is
			// a container, so the inner tar adds no path segment.
			head := readHead(b.r, b.size)
			cin := &unpack.Input{Path: prefix, R: b.r, Size: b.size, Head: head, MaxMembers: w.lim.MaxMembers, Meta: in.Meta}
			if cu := w.find(cin); cu != nil {
				defer b.release()
				if n.depth+1 >= w.lim.MaxDepth {
					w.limitFinding(prefix, &limits.Exceeded{Limit: "max-depth", Value: int64(w.lim.MaxDepth), Seen: int64(n.depth + 1)})
					return nil
				}
				inner := &node{file: n.file, blob: b, head: head, depth: n.depth + 1}
				innerFormat, names = w.unpack(ctx, inner, cu, cin, prefix, format+"+"+cu.Name(), chain)
				return nil
			}
		}
		w.process(ctx, child)
		return nil
	}

	err := safeUnpack(ctx, u, in, emit)
	var se stopErr
	switch {
	case err == nil, errors.As(err, &se), errors.Is(err, context.Canceled):
	default:
		w.addError(prefix, fmt.Errorf("%s: %w", format, err))
	}
	if innerFormat != "" {
		return innerFormat, names
	}
	return format, names
}

func safeOpen(m *unpack.Member) (rc io.ReadCloser, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic opening member: %v", r)
		}
	}()
	return m.Open()
}

func safeUnpack(ctx context.Context, u unpack.Unpacker, in *unpack.Input, emit unpack.Emit) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic in %s unpacker: %v", u.Name(), r)
		}
	}()
	return u.Unpack(ctx, in, func(m *unpack.Member) error {
		// Member readers from a panicking decompressor surface here too.
		var eerr error
		func() {
			defer func() {
				if r := recover(); r != nil {
					eerr = fmt.Errorf("panic reading member %q: %v", m.Name, r)
				}
			}()
			eerr = emit(m)
		}()
		return eerr
	})
}

func readHead(r io.ReaderAt, size int64) []byte {
	n := min(size, identify.HeadSize)
	if n <= 0 {
		return nil
	}
	buf := make([]byte, n)
	k, _ := r.ReadAt(buf, 0)
	return buf[:k]
}

// refineKind names archive families from their members: a zip holding a
// wheel's metadata is a "whl", a gzip'd tar with package/package.json an
// "npm" package.
func refineKind(kind, format string, names []string) string {
	switch {
	case kind == identify.Zip:
		return identify.ZipFamily(names)
	case strings.HasSuffix(format, "+tar"):
		for _, n := range names {
			if n == "package/package.json" {
				return "npm"
			}
		}
	}
	return kind
}

// cleanName turns a stored member name into a safe relative virtual path
// and says what was wrong with it.
func cleanName(raw string) (string, []string) {
	var problems []string
	s := strings.ReplaceAll(raw, "\\", "/")
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.ContainsRune(s, 0) {
		problems = append(problems, "nul")
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if len(s) >= 2 && s[1] == ':' && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) {
		problems = append(problems, "absolute")
		s = s[2:]
	} else if strings.HasPrefix(s, "/") {
		problems = append(problems, "absolute")
	}
	// Walk the segments: ".." that would climb above the root is traversal.
	var segs []string
	climbed := false
	for _, seg := range strings.Split(s, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(segs) == 0 {
				climbed = true
			} else {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, seg)
		}
	}
	if climbed {
		problems = append(problems, "traversal")
	}
	clean := path.Join(segs...)
	if clean == "" || clean == "." {
		clean = "[unnamed]"
	}
	return clean, problems
}

func nameFinding(prefix, raw, clean, problem string) model.Finding {
	f := model.Finding{Path: prefix + "!/" + clean, Evidence: map[string]any{"stored_name": raw}}
	switch problem {
	case "traversal":
		f.ID, f.Severity = "unpack.path-traversal", model.SeverityHigh
		f.Title = fmt.Sprintf("member name %q climbs out of the archive; extracting it writes outside the target directory", raw)
	case "absolute":
		f.ID, f.Severity = "unpack.absolute-path", model.SeverityMedium
		f.Title = fmt.Sprintf("member name %q is absolute; extracting it may write anywhere on the machine", raw)
	default:
		f.ID, f.Severity = "unpack.bad-name", model.SeverityMedium
		f.Title = fmt.Sprintf("member name %q holds a NUL byte; tools will disagree on its name", raw)
	}
	return f
}
