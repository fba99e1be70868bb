package elffind_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/analyze"
	elfa "github.com/vouch-sec/vouch/internal/analyze/elf"
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/detect/elffind"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

// facts runs the ELF analyzer on a fixture of analyze/elf.
func facts(t *testing.T, name string) *model.File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "analyze", "elf", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f := &model.File{Path: name, Kind: "elf", Facts: &model.Facts{}}
	in := &analyze.Input{Path: name, Kind: "elf", R: bytes.NewReader(b), Size: int64(len(b))}
	if err := elfa.New().Analyze(context.Background(), in, f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []model.Finding
	}{
		{"rwx", []model.Finding{{
			ID: "elf.rwx-segment", Severity: model.SeverityLow, Path: "rwx",
			Title: "ELF has a LOAD segment that is writable and executable at once (1 byte at offset 0x14e): code there can be rewritten while it runs",
			Evidence: map[string]any{"segments": []map[string]any{
				{"offset": int64(0x14e), "size": int64(1), "virtual_size": int64(1), "flags": "rwx"},
			}},
		}}},
		{"execstack", []model.Finding{{
			ID: "elf.exec-stack", Severity: model.SeverityLow, Path: "execstack",
			Title:    "ELF asks for an executable stack (PT_GNU_STACK is rwx), turning off stack execution protection for the whole process",
			Evidence: map[string]any{"flags": "rwx", "type": "exec"},
		}}},
		{"libifunc.so", []model.Finding{{
			ID: "elf.ifunc", Severity: model.SeverityLow, Path: "libifunc.so",
			Title: "library libifunc.so.5 exports 1 function(s) picked by IFUNC resolvers that run inside the loader before main (lzma_crc64); the xz-utils backdoor hooked in this way",
			Evidence: map[string]any{
				"exported_ifuncs": []string{"lzma_crc64"}, "ifuncs": 2, "exports": 2, "soname": "libifunc.so.5",
			},
		}}},
		{"pie", nil},
		{"libctor.so", nil},
		{"lib32.so", nil},
		{"static", nil},
		{"ctors.o", nil},
		{"gobuild", nil},
	}
	d := elffind.New()
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got := d.DetectFile(facts(t, tc.file))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFacts covers cases no fixture has: runtime libraries, IFUNCs only in
// .symtab, several RWX segments, non-ELF files.
func TestFacts(t *testing.T) {
	d := elffind.New()
	ids := func(e *model.ELFFacts) []string {
		var out []string
		for _, f := range d.DetectFile(&model.File{Path: "x", Kind: "elf", Facts: &model.Facts{ELF: e}}) {
			out = append(out, f.ID+": "+f.Title)
		}
		return out
	}
	tests := []struct {
		name string
		e    *model.ELFFacts
		want []string
	}{
		{"glibc", &model.ELFFacts{Soname: "libc.so.6", Exports: []string{"memcpy", "strlen"}, IFuncs: []string{"memcpy", "strlen"}}, nil},
		{"libstdc++", &model.ELFFacts{Soname: "libstdc++.so.6", Exports: []string{"f"}, IFuncs: []string{"f"}}, nil},
		{"local ifunc only", &model.ELFFacts{Soname: "libz.so.1", Exports: []string{"crc32"}, IFuncs: []string{"crc32_resolve_local"}}, nil},
		{"static binary with glibc ifuncs in .symtab", &model.ELFFacts{Type: "exec", IFuncs: []string{"memcpy", "strlen"}}, nil},
		{"no soname", &model.ELFFacts{Exports: []string{"a", "b", "c", "d", "e", "f", "g"}, IFuncs: []string{"a", "b", "c", "d", "e", "f", "g"}},
			[]string{"elf.ifunc: ELF exports 7 function(s) picked by IFUNC resolvers that run inside the loader before main (a, b, c, d, e, …); the xz-utils backdoor hooked in this way"}},
		{"two rwx", &model.ELFFacts{Segments: []model.Section{{Name: "LOAD", Flags: "rwx"}, {Name: "LOAD", Flags: "rx"}, {Name: "LOAD", Flags: "rwx"}}},
			[]string{"elf.rwx-segment: ELF has 2 LOAD segments that are writable and executable at once: code there can be rewritten while it runs"}},
		{"rwx but not LOAD", &model.ELFFacts{Segments: []model.Section{{Name: "GNU_RELRO", Flags: "rwx"}}}, nil},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, ids(tc.e)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	if got := d.DetectFile(&model.File{Path: "x", Kind: "pe", Facts: &model.Facts{}}); got != nil {
		t.Errorf("non-ELF: %v", got)
	}
}

// TestRealQuiet: real releases raise no elf.* finding at all, in particular
// glibc, whose libc/libm/libmvec use IFUNC for CPU dispatch.
func TestRealQuiet(t *testing.T) {
	for _, file := range []string{
		"libc6_2.36-9+deb12u14_amd64.deb",
		"liblzma5_5.4.1-1+deb12u1_amd64.deb",
		"libssl3_3.0.22-1~deb12u2_amd64.deb",
		"openssl_3.0.22-1~deb12u2_amd64.deb",
		"curl_7.88.1-10+deb12u15_amd64.deb",
		"esbuild-linux-x64-0.28.2.tgz",
	} {
		t.Run(file, func(t *testing.T) {
			rep, err := engine.Inspect(context.Background(), realdata.Path(t, file), engine.Config{
				Limits:    limits.Default(),
				Unpackers: unpacklist.All(),
				Analyzers: []analyze.Analyzer{elfa.New()},
				Detectors: []detect.Detector{elffind.New()},
				Tool:      model.Tool{Name: "vouch", Version: "test"},
			})
			if err != nil {
				t.Fatal(err)
			}
			elves := 0
			for _, f := range rep.Files {
				if f.Kind == "elf" {
					elves++
				}
			}
			if elves == 0 {
				t.Fatal("no ELF files")
			}
			for _, f := range rep.Findings {
				if strings.HasPrefix(f.ID, "elf.") {
					t.Errorf("%s: %s %s", f.Path, f.ID, f.Title)
				}
			}
		})
	}
}
