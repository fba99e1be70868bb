package diff_test

import (
	"testing"

	"github.com/vouch-sec/vouch/internal/detect/list"
	"github.com/vouch-sec/vouch/internal/diff"
	"github.com/vouch-sec/vouch/internal/model"
)

// TestCombinedFromDetectors runs the registered diff detectors on a codec
// that starts loading WinHTTP and naming a URL, with no capability rule
// matching: two medium findings of different detectors that only together
// make the 3CX shape. The same change to a network library is routine.
func TestCombinedFromDetectors(t *testing.T) {
	dll := func(imports []string, eps ...model.Endpoint) *model.Facts {
		p := &model.PEFacts{Machine: "amd64", Type: "dll"}
		for _, d := range imports {
			p.Imports = append(p.Imports, model.Import{DLL: d, Functions: []string{"F"}})
		}
		return &model.Facts{PE: p, Endpoints: eps}
	}
	url := model.Endpoint{Value: "https://cdn.example.invalid/icon%d.ico", Type: "url", Offset: 2080}
	tests := []struct {
		name string
		file string
		want model.Severity
	}{
		{"codec", "app/ffmpeg.dll", model.SeverityHigh},
		{"network library", "app/libcurl.dll", model.SeverityLow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := release(oldRoot, nil, member(oldRoot, tt.file, "pe", "1", dll([]string{"KERNEL32.dll"})))
			new := release(newRoot, nil, member(newRoot, tt.file, "pe", "2", dll([]string{"KERNEL32.dll", "WINHTTP.dll"}, url)))
			d := diff.Compare(old, new, diff.Config{Detectors: list.Diff()})
			if d.Verdict != tt.want {
				for _, f := range d.Findings {
					t.Logf("%s %s: %s", f.Severity, f.ID, f.Title)
				}
				t.Fatalf("verdict %s, want %s", d.Verdict, tt.want)
			}
			combined := 0
			for _, f := range d.Findings {
				if f.ID == diff.CombinedID {
					combined++
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tt.want == model.SeverityHigh]; combined != want {
				t.Errorf("%d combined findings, want %d", combined, want)
			}
		})
	}
}
