//go:build !cgo

package rules

// DefaultEngine is a stand-in without cgo: every compile fails with
// ErrNoEngine.
func DefaultEngine() Engine { return noEngine{} }

type noEngine struct{}

func (noEngine) Name() string { return "none" }

func (noEngine) Compile([]Source, map[string]any) (Ruleset, error) { return nil, ErrNoEngine }
