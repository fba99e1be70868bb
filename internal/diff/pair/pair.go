// Package pair matches the files of an old release with the files of a new
// one, the first step of `vouch diff`.
//
// Only regular files take part (Type "file" or ""). Paths are compared as
// keys (see Key): when a side is a single-file target (one top-level file),
// that file's name is removed, so "TinyApp-1.0.0.msi!/a/b.dll" and
// "TinyApp-1.0.1.msi!/a/b.dll" and a directory's "a/b.dll" all have the key
// "a/b.dll", and the two top-level files themselves both have the key "".
//
// Stages run in order, each over the files still unpaired:
//
//  1. path: equal keys.
//  2. content: equal sha256 (empty files excluded), different key.
//  3. version: equal Normalize(key), e.g. "usr/lib/python3.11/x" and
//     "usr/lib/python3.12/x".
//  4. basename: the same last path element, unique among the unpaired
//     files on both sides.
//  5. fuzzy: TLSH distance at most Options.FuzzyThreshold, same Kind, both
//     sides carrying File.TLSH. The engine does not fill File.TLSH yet; until
//     it does this stage pairs nothing.
//
// A pair whose keys differ is "moved" whatever the stage, so a file of
// "pkg-1.2.3/" paired with its "pkg-1.2.4/" twin by stage 3 is moved; the
// caller tells a version bump from a real move by Pairing.Stage, and an
// edited file from a byte-identical one by Pairing.Identical. When one side
// is an MSI and the other its unpacked directory, the MSI file itself has no
// counterpart and is reported as removed (or added).
//
// When a stage finds several candidates for one file (stages 1–3), pairs are
// chosen greedily by path similarity (longest common prefix plus suffix of
// the keys), ties broken by key and path, so the result never depends on
// input order. Work is bounded: stages 2–3 compare only inside a bucket of
// equal hash or normalised key and skip buckets larger than
// Options.MaxGroup pairs; stage 5 compares only files of the same Kind and
// neighbouring size bands and stops after Options.MaxFuzzyCompares
// comparisons.
package pair

import (
	"math/bits"
	"sort"
	"strings"

	"github.com/glaslos/tlsh"
	"github.com/vouch-sec/vouch/internal/model"
)

// Status says what happened to a file between the two releases.
type Status string

// Statuses.
const (
	Unchanged Status = "unchanged" // same key, same sha256
	Changed   Status = "changed"   // same key, different content
	Moved     Status = "moved"     // different key; content may differ (see Pairing.Identical)
	Added     Status = "added"     // only in the new release
	Removed   Status = "removed"   // only in the old release
)

// Stage names the rule that paired two files.
type Stage string

// Stages, in the order they run. Added and removed files have no stage.
const (
	StagePath     Stage = "path"
	StageContent  Stage = "content"
	StageVersion  Stage = "version"
	StageBasename Stage = "basename"
	StageFuzzy    Stage = "fuzzy"
)

// Defaults used when the Options fields are zero.
const (
	// DefaultFuzzyThreshold is the largest TLSH distance (length counted)
	// taken as "the same file, rebuilt". The TLSH authors report few false
	// positives below about 70 on executables.
	DefaultFuzzyThreshold = 70
	// DefaultMaxGroup bounds old×new candidates compared in one bucket of
	// stages 1–3.
	DefaultMaxGroup = 1 << 16
	// DefaultMaxFuzzyCompares bounds the TLSH comparisons of stage 5.
	DefaultMaxFuzzyCompares = 1 << 22
)

// Options tune pairing. The zero value is ready to use.
type Options struct {
	FuzzyThreshold   int // 0: DefaultFuzzyThreshold; negative: no fuzzy stage
	MaxGroup         int // 0: DefaultMaxGroup
	MaxFuzzyCompares int // 0: DefaultMaxFuzzyCompares
}

// Pairing is one entry of the result: a pair, or a file on one side only.
type Pairing struct {
	Old    *model.File // nil when Added
	New    *model.File // nil when Removed
	Status Status
	Stage  Stage // empty when Added or Removed
	// Identical is true when both sides exist and have the same non-empty
	// sha256.
	Identical bool
}

// Root returns the name of the top-level file when files come from a
// single-file target (exactly one file without a container chain, with no
// "/" in its path), or "" for a directory target.
func Root(files []*model.File) string {
	root, n := "", 0
	for _, f := range files {
		if len(f.Chain) == 0 {
			n++
			root = f.Path
		}
	}
	if n != 1 || strings.Contains(root, "/") {
		return ""
	}
	return root
}

// Key returns the pairing key of path for a side whose Root is root: the
// root itself becomes "", a member "root!/x" becomes "x", and any other path
// is returned unchanged.
func Key(path, root string) string {
	if root == "" {
		return path
	}
	if path == root {
		return ""
	}
	if rest, ok := strings.CutPrefix(path, root+"!/"); ok {
		return rest
	}
	return path
}

// Normalize replaces the version tokens of every segment of key by "#":
// a digit run with dotted parts and what follows it ("pkg-1.2.3-4ubuntu1"
// → "pkg-#", "python3.12" → "python#", "libfoo.so.1.2" → "libfoo.so.#",
// "esbuild-0.28.2.tgz" → "esbuild-#.tgz"), and a plain digit run that
// follows '-', '.', '~' or '+' and ends the segment or is followed by one
// of ".-~+_" ("libfoo.so.1" → "libfoo.so.#"). Digits inside words
// ("x86_64", "sha256", "lib64") are kept. Normalize is idempotent.
func Normalize(key string) string {
	if !strings.ContainsAny(key, "0123456789") {
		return key
	}
	var b strings.Builder
	b.Grow(len(key))
	i := 0
	for i < len(key) {
		c := key[i]
		if !isDigit(c) || (i > 0 && isDigit(key[i-1])) {
			b.WriteByte(c)
			i++
			continue
		}
		if end, ok := versionToken(key, i); ok {
			b.WriteByte('#')
			i = end
			continue
		}
		// Not a version: copy the whole digit run.
		j := i
		for j < len(key) && isDigit(key[j]) {
			j++
		}
		b.WriteString(key[i:j])
		i = j
	}
	return b.String()
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// digits returns the end of the digit run starting at i (i when none).
func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// versionToken reports whether a version token starts at i (a digit not
// preceded by a digit) and where it ends.
func versionToken(s string, i int) (int, bool) {
	j := digits(s, i)
	dotted := false
	// Dotted parts: .N, repeatedly.
	for j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		j = digits(s, j+1)
		dotted = true
	}
	if !dotted {
		if i == 0 || !strings.ContainsRune("-.~+", rune(s[i-1])) {
			return 0, false
		}
		if j < len(s) && !strings.ContainsRune(".-~+_/", rune(s[j])) {
			return 0, false
		}
	}
	// Suffixes: .N, [-~+]N, or [-~+_]?letters N ("-4", "rc1",
	// "-0ubuntu3.1", "~rc2").
	for j < len(s) {
		if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
			j = digits(s, j+1)
			continue
		}
		k := j
		if strings.ContainsRune("-~+_", rune(s[k])) {
			k++
		}
		if k < len(s) && isDigit(s[k]) && s[j] != '_' {
			j = digits(s, k)
			continue
		}
		l := k
		for l < len(s) && isLetter(s[l]) {
			l++
		}
		if l > k && l < len(s) && isDigit(s[l]) {
			j = digits(s, l)
			continue
		}
		break
	}
	return j, true
}

// side is the working state of one release.
type side struct {
	files []*model.File
	keys  []string
	done  []bool
}

func newSide(files []*model.File) *side {
	root := Root(files)
	s := &side{}
	for _, f := range files {
		if f == nil || (f.Type != "" && f.Type != "file") {
			continue
		}
		s.files = append(s.files, f)
	}
	for _, f := range s.files {
		s.keys = append(s.keys, Key(f.Path, root))
	}
	// Sort by key, then path, then sha256 so every later step sees the
	// same order whatever the input order.
	idx := make([]int, len(s.files))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		x, y := idx[a], idx[b]
		if s.keys[x] != s.keys[y] {
			return s.keys[x] < s.keys[y]
		}
		if s.files[x].Path != s.files[y].Path {
			return s.files[x].Path < s.files[y].Path
		}
		return s.files[x].SHA256 < s.files[y].SHA256
	})
	files2, keys2 := make([]*model.File, len(idx)), make([]string, len(idx))
	for n, i := range idx {
		files2[n], keys2[n] = s.files[i], s.keys[i]
	}
	s.files, s.keys = files2, keys2
	s.done = make([]bool, len(s.files))
	return s
}

// buckets groups the unpaired files of s by a bucket key; files for which
// key returns "" are left out. Indices in each bucket are in side order.
func (s *side) buckets(key func(i int) string) map[string][]int {
	m := map[string][]int{}
	for i := range s.files {
		if s.done[i] {
			continue
		}
		if k := key(i); k != "" {
			m[k] = append(m[k], i)
		}
	}
	return m
}

type pairer struct {
	old, new *side
	out      []Pairing
	opts     Options
}

func (p *pairer) add(o, n int, st Stage) {
	p.old.done[o], p.new.done[n] = true, true
	of, nf := p.old.files[o], p.new.files[n]
	pr := Pairing{Old: of, New: nf, Stage: st}
	pr.Identical = of.SHA256 != "" && of.SHA256 == nf.SHA256
	switch {
	case p.old.keys[o] != p.new.keys[n]:
		pr.Status = Moved
	case pr.Identical:
		pr.Status = Unchanged
	default:
		pr.Status = Changed
	}
	p.out = append(p.out, pr)
}

// stage pairs files whose bucket keys are equal. A bucket with one file on
// each side pairs directly; larger buckets are resolved by path similarity,
// unless old×new exceeds MaxGroup, in which case they are left for later
// stages. Buckets are visited in sorted order.
func (p *pairer) stage(st Stage, okey, nkey func(i int) string) {
	ob, nb := p.old.buckets(okey), p.new.buckets(nkey)
	names := make([]string, 0, len(ob))
	for k := range ob {
		if _, ok := nb[k]; ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		os, ns := ob[k], nb[k]
		if len(os) == 1 && len(ns) == 1 {
			p.add(os[0], ns[0], st)
			continue
		}
		if len(os)*len(ns) > p.opts.MaxGroup {
			continue
		}
		type cand struct{ o, n, score int }
		cands := make([]cand, 0, len(os)*len(ns))
		for _, o := range os {
			for _, n := range ns {
				cands = append(cands, cand{o, n, similarity(p.old.keys[o], p.new.keys[n])})
			}
		}
		// os and ns are in side order, so a stable sort by score keeps
		// ties in (old, new) order.
		sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
		for _, c := range cands {
			if !p.old.done[c.o] && !p.new.done[c.n] {
				p.add(c.o, c.n, st)
			}
		}
	}
}

// similarity is the length of the common prefix plus the common suffix of
// a and b, the two not overlapping.
func similarity(a, b string) int {
	n := min(len(a), len(b))
	pre := 0
	for pre < n && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < n-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return pre + suf
}

func base(key string) string { return key[strings.LastIndexByte(key, '/')+1:] }

// basenames pairs files whose last path element is unique among the
// unpaired files of each side and equal.
func (p *pairer) basenames() {
	count := func(s *side) map[string]int {
		m := map[string]int{}
		for i, k := range s.keys {
			if !s.done[i] && k != "" {
				m[base(k)]++
			}
		}
		return m
	}
	oc, nc := count(p.old), count(p.new)
	key := func(s *side, c, other map[string]int) func(int) string {
		return func(i int) string {
			b := base(s.keys[i])
			if c[b] != 1 || other[b] != 1 {
				return ""
			}
			return b
		}
	}
	p.stage(StageBasename, key(p.old, oc, nc), key(p.new, nc, oc))
}

// fuzzy pairs files by TLSH distance within buckets of equal Kind and
// neighbouring size bands (floor(log2(size))).
func (p *pairer) fuzzy() {
	limit := p.opts.FuzzyThreshold
	if limit < 0 {
		return
	}
	type item struct {
		i int
		h *tlsh.TLSH
	}
	type bucketKey struct {
		kind string
		band int
	}
	collect := func(s *side) map[bucketKey][]item {
		m := map[bucketKey][]item{}
		for i, f := range s.files {
			if s.done[i] || f.TLSH == "" {
				continue
			}
			h, err := tlsh.ParseStringToTlsh(f.TLSH)
			if err != nil {
				continue
			}
			k := bucketKey{f.Kind, bits.Len64(uint64(max(f.Size, 0)))}
			m[k] = append(m[k], item{i, h})
		}
		return m
	}
	om, nm := collect(p.old), collect(p.new)
	if len(om) == 0 || len(nm) == 0 {
		return
	}
	keys := make([]bucketKey, 0, len(om))
	for k := range om {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if keys[a].kind != keys[b].kind {
			return keys[a].kind < keys[b].kind
		}
		return keys[a].band < keys[b].band
	})
	type cand struct{ o, n, dist int }
	var cands []cand
	budget := p.opts.MaxFuzzyCompares
compare:
	for _, k := range keys {
		for band := k.band - 1; band <= k.band+1; band++ {
			for _, o := range om[k] {
				for _, n := range nm[bucketKey{k.kind, band}] {
					if budget <= 0 {
						break compare
					}
					budget--
					if d := o.h.Diff(n.h); d <= limit {
						cands = append(cands, cand{o.i, n.i, d})
					}
				}
			}
		}
	}
	sort.Slice(cands, func(a, b int) bool {
		x, y := cands[a], cands[b]
		if x.dist != y.dist {
			return x.dist < y.dist
		}
		if x.o != y.o {
			return x.o < y.o
		}
		return x.n < y.n
	})
	for _, c := range cands {
		if !p.old.done[c.o] && !p.new.done[c.n] {
			p.add(c.o, c.n, StageFuzzy)
		}
	}
}

// Pair matches old files with new files; see the package documentation for
// the rules. The result holds every regular file of both sides exactly once,
// sorted by path (the new path, or the old one for removed files), then by
// old path.
func Pair(old, new []*model.File, opts Options) []Pairing {
	if opts.FuzzyThreshold == 0 {
		opts.FuzzyThreshold = DefaultFuzzyThreshold
	}
	if opts.MaxGroup <= 0 {
		opts.MaxGroup = DefaultMaxGroup
	}
	if opts.MaxFuzzyCompares <= 0 {
		opts.MaxFuzzyCompares = DefaultMaxFuzzyCompares
	}
	p := &pairer{old: newSide(old), new: newSide(new), opts: opts}
	ok, nk := func(i int) string { return p.old.keys[i] }, func(i int) string { return p.new.keys[i] }
	// Keys may be "" (the top-level file); bucket them under a marker that
	// no path can produce.
	pathKey := func(k func(int) string) func(int) string {
		return func(i int) string { return "\x00" + k(i) }
	}
	p.stage(StagePath, pathKey(ok), pathKey(nk))
	hash := func(s *side) func(int) string {
		return func(i int) string {
			if s.files[i].Size == 0 {
				return ""
			}
			return s.files[i].SHA256
		}
	}
	p.stage(StageContent, hash(p.old), hash(p.new))
	norm := func(k func(int) string) func(int) string {
		return func(i int) string { return "\x00" + Normalize(k(i)) }
	}
	p.stage(StageVersion, norm(ok), norm(nk))
	p.basenames()
	p.fuzzy()
	for i, f := range p.old.files {
		if !p.old.done[i] {
			p.out = append(p.out, Pairing{Old: f, Status: Removed})
		}
	}
	for i, f := range p.new.files {
		if !p.new.done[i] {
			p.out = append(p.out, Pairing{New: f, Status: Added})
		}
	}
	sort.SliceStable(p.out, func(a, b int) bool {
		x, y := p.out[a], p.out[b]
		if px, py := sortPath(x), sortPath(y); px != py {
			return px < py
		}
		return oldPath(x) < oldPath(y)
	})
	return p.out
}

func sortPath(p Pairing) string {
	if p.New != nil {
		return p.New.Path
	}
	return p.Old.Path
}

func oldPath(p Pairing) string {
	if p.Old != nil {
		return p.Old.Path
	}
	return ""
}
