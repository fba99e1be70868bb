package capability_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/capability"
	"github.com/vouch-sec/vouch/internal/model"
)

var fuzzKinds = []string{"script/js", "script/python", "script/shell", "script/powershell", "pe", "elf", "macho", "text/json"}

// FuzzAnalyze runs the first-party rules (through the comment stripper for
// scripts) over any bytes: no panic, no error, evidence within bounds.
func FuzzAnalyze(f *testing.F) {
	f.Add(uint8(0), []byte("const cp = require('child_process'); // x\nfetch(`http://${h}/`)"))
	f.Add(uint8(1), []byte("\"\"\"doc\"\"\"\nimport subprocess\nsubprocess.run(['x'])\n"))
	f.Add(uint8(4), []byte("MZ\x90\x00VirtualProtect\x00CreateProcessW\x00WinHttpOpen\x00"))
	f.Add(uint8(5), []byte("\x7fELF\x02\x01\x01mprotect\x00execve\x00connect\x00"))
	a := capability.New(analyze.Config{})
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		kind := fuzzKinds[int(k)%len(fuzzKinds)]
		if !a.Match(kind) {
			return
		}
		fl := &model.File{Path: "x", Kind: kind, Size: int64(len(data)), Facts: &model.Facts{}}
		in := &analyze.Input{Path: "x", Kind: kind, R: bytes.NewReader(data), Size: int64(len(data))}
		if err := a.Analyze(context.Background(), in, fl); err != nil {
			t.Fatal(err)
		}
		for _, c := range fl.Facts.Capabilities {
			if len(c.Evidence) > 3 {
				t.Fatalf("%s: %d evidence strings", c.ID, len(c.Evidence))
			}
			for _, e := range c.Evidence {
				if len(e) > 80 {
					t.Fatalf("%s: evidence %q longer than 80", c.ID, e)
				}
			}
		}
	})
}
