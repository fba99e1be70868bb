package rules_test

import (
	"context"
	"sync"
	"testing"

	"github.com/vouch-sec/vouch/internal/rules"
)

// TestConcurrentScans: one Set shared by many goroutines, first use of
// every kind racing with scans (run with -race).
func TestConcurrentScans(t *testing.T) {
	s := newSet(t, []rules.Source{{Name: "t.yar", Namespace: "t", Text: []byte(testRules)}}, nil)
	kinds := []string{"pe", "script/js", "script/python", "elf", "data"}
	data := []byte("MZ\x90\x00 CreateProcessW child_process' ")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				kind := kinds[(g+i)%len(kinds)]
				if _, err := s.Scan(context.Background(), rules.Target{Kind: kind, Path: "x"}, data, rules.ScopeAll); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
