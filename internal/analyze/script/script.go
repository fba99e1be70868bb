// Package script records basic facts about script files: language,
// interpreter and size in lines. Capability rules build on it later.
package script

import (
	"bytes"
	"context"
	"strings"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the analyzer.
const Name = "script"

type analyzer struct{}

// New returns the script analyzer.
func New() analyze.Analyzer { return analyzer{} }

func (analyzer) Name() string           { return Name }
func (analyzer) Match(kind string) bool { return identify.IsScript(kind) }

func (analyzer) Analyze(ctx context.Context, in *analyze.Input, f *model.File) error {
	sf := &model.ScriptFacts{Language: strings.TrimPrefix(in.Kind, "script/")}
	if bytes.HasPrefix(in.Head, []byte("#!")) {
		line := in.Head[2:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		sf.Interpreter = strings.TrimSpace(string(line))
	}
	// Count lines over the whole file in bounded chunks.
	buf := make([]byte, 64<<10)
	for off := int64(0); off < in.Size; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := in.R.ReadAt(buf, off)
		sf.Lines += bytes.Count(buf[:n], []byte{'\n'})
		off += int64(n)
		if err != nil || n == 0 {
			break
		}
	}
	if in.Size > 0 {
		var last [1]byte
		if n, _ := in.R.ReadAt(last[:], in.Size-1); n == 1 && last[0] != '\n' {
			sf.Lines++
		}
	}
	f.Facts.Script = sf
	return nil
}
