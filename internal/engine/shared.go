package engine

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/vouch-sec/vouch/internal/model"
)

// Shared lets inspections that run at the same time (the two releases of a
// diff) analyse identical bytes once: the first to reach a file analyses
// it, the other waits for and copies the result. Safe for concurrent use.
//
// Facts are keyed by content, kind, the unpacker's meta and the path
// inside the top-level container (analyzers and rules may look at the
// name), so a file is shared only when every input of its analysis is the
// same but the release's own file name.
type Shared struct {
	mu sync.Mutex
	m  map[string]*sharedEntry
}

type sharedEntry struct {
	done  chan struct{}
	ok    bool // the analysis finished; when false the waiter analyses itself
	facts *model.Facts
	tlsh  string
	errs  []error
}

// NewShared returns an empty cache.
func NewShared() *Shared { return &Shared{m: map[string]*sharedEntry{}} }

// sharedKey names the analysis of f; "" when f is not worth sharing.
func sharedKey(f *model.File) string {
	if f.SHA256 == "" || f.Size == 0 {
		return ""
	}
	p := f.Path
	if _, rest, ok := strings.Cut(p, "!/"); ok {
		p = rest
	}
	var b strings.Builder
	b.WriteString(f.SHA256)
	b.WriteByte(0)
	b.WriteString(f.Kind)
	b.WriteByte(0)
	b.WriteString(p)
	keys := make([]string, 0, len(f.Meta))
	for k := range f.Meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteByte(0)
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(f.Meta[k])
	}
	return b.String()
}

// claim returns the entry for key and whether the caller owns it (must
// analyse and then call publish). A caller that does not own it waits with
// wait.
func (s *Shared) claim(key string) (*sharedEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[key]; ok {
		return e, false
	}
	e := &sharedEntry{done: make(chan struct{})}
	s.m[key] = e
	return e, true
}

// publish stores the owner's result. ok is false when the analysis did not
// finish (timeout, cancellation): the entry is dropped so a later file
// with the same key analyses for itself.
func (s *Shared) publish(key string, e *sharedEntry, ok bool) {
	if !ok {
		s.mu.Lock()
		delete(s.m, key)
		s.mu.Unlock()
	}
	e.ok = ok
	close(e.done)
}

// wait blocks until the entry is published or ctx ends; it reports whether
// a finished result is available.
func (e *sharedEntry) wait(ctx context.Context) bool {
	select {
	case <-e.done:
		return e.ok
	case <-ctx.Done():
		return false
	}
}
