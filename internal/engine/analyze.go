package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"slices"
	"time"

	"github.com/glaslos/tlsh"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/entropy"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
)

// analyze runs on a worker: it hashes (when the walker has not), measures
// entropy and runs the matching analyzers under the per-file time limit. It
// consumes the worker's reference to n.blob.
//
// The work happens on a scratch copy of the file; its results are copied
// back only when it finished in time, so an analysis that overran can never
// write into a report that is already being rendered.
func (w *walker) analyze(ctx context.Context, n *node) {
	f := n.file
	actx, cancel := context.WithTimeout(ctx, w.lim.FileTimeout)
	defer cancel()
	scratch := *f
	scratch.Facts = nil
	var errs []error
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer n.blob.release()
		defer func() {
			if r := recover(); r != nil {
				errs = append(errs, fmt.Errorf("panic during analysis: %v", r))
			}
		}()
		errs = w.analyzeFile(actx, n, &scratch)
	}()
	select {
	case <-done:
		f.SHA256, f.Entropy, f.Facts, f.TLSH = scratch.SHA256, scratch.Entropy, scratch.Facts, scratch.TLSH
		for _, err := range errs {
			w.addError(f.Path, err)
		}
	case <-actx.Done():
		if ctx.Err() == nil {
			w.limitFinding(f.Path, &limits.Exceeded{Limit: "file-timeout", Value: int64(w.lim.FileTimeout / time.Millisecond), Seen: int64(w.lim.FileTimeout / time.Millisecond)})
			w.addError(f.Path, fmt.Errorf("analysis did not finish within %s", w.lim.FileTimeout))
			f.Analysis = fmt.Sprintf("skipped: analysis did not finish within %s", w.lim.FileTimeout)
		}
	}
	if p := w.cfg.Progress; p != nil {
		p.Files.Add(1)
	}
}

// analyzeFile fills f (a scratch copy) and returns what went wrong.
func (w *walker) analyzeFile(ctx context.Context, n *node, f *model.File) (errs []error) {
	completed := false
	var h hash.Hash
	if !n.hashed {
		h = sha256.New()
	}
	var th *tlsh.TLSH
	if w.cfg.FuzzyHash && identify.IsExecutable(f.Kind) {
		th = tlsh.New()
	}
	ent, err := scan(n.blob.r, n.blob.size, h, th)
	if err != nil {
		return []error{fmt.Errorf("reading: %w", err)}
	}
	f.Entropy = ent
	if h != nil {
		f.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	if th != nil {
		if sum := th.Sum(nil); slices.ContainsFunc(sum, func(b byte) bool { return b != 0 }) {
			f.TLSH = th.String()
		}
	}
	if s := w.cfg.Shared; s != nil {
		if key := sharedKey(f); key != "" {
			e, own := s.claim(key)
			if !own && e.wait(ctx) {
				f.Facts, f.TLSH = e.facts, e.tlsh
				return slices.Clone(e.errs)
			}
			if own {
				// On a panic completed stays false: the entry is dropped
				// and the panic goes on to the caller's recover.
				defer func() {
					finished := completed && ctx.Err() == nil
					if finished {
						e.facts, e.tlsh, e.errs = f.Facts, f.TLSH, errs
					}
					s.publish(key, e, finished)
				}()
			}
		}
	}
	in := &analyze.Input{Path: f.Path, Kind: f.Kind, R: n.blob.r, Size: n.blob.size, Head: n.head, Meta: f.Meta}
	for _, a := range w.cfg.Analyzers {
		if !a.Match(f.Kind) {
			continue
		}
		if f.Facts == nil {
			f.Facts = &model.Facts{}
		}
		if err := runAnalyzer(ctx, a, in, f); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", a.Name(), err))
		}
		if ctx.Err() != nil {
			break
		}
	}
	completed = true
	return errs
}

func runAnalyzer(ctx context.Context, a analyze.Analyzer, in *analyze.Input, f *model.File) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return a.Analyze(ctx, in, f)
}

// scan reads r once, feeding h and th (when set) and a byte histogram, and returns
// the Shannon entropy in bits per byte.
func scan(r io.ReaderAt, size int64, h hash.Hash, th *tlsh.TLSH) (float64, error) {
	var hist entropy.Histogram
	bufp := scratchPool.Get().(*[]byte)
	defer scratchPool.Put(bufp)
	buf := *bufp
	for off := int64(0); off < size; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if n > 0 {
			p := buf[:n]
			if h != nil {
				h.Write(p)
			}
			if th != nil {
				th.Write(p)
			}
			hist.Write(p)
			off += int64(n)
		}
		if err != nil && err != io.EOF {
			return 0, err
		}
		if n == 0 {
			return 0, io.ErrUnexpectedEOF
		}
	}
	return hist.Bits(), nil
}
