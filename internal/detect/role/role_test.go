package role_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/detect/role"
	"github.com/vouch-sec/vouch/internal/model"
)

func pe(path, typ string, vi map[string]string) *model.File {
	return &model.File{Path: path, Kind: "pe", Facts: &model.Facts{PE: &model.PEFacts{Machine: "amd64", Type: typ, VersionInfo: vi}}}
}

func elf(path, typ string, pie bool) *model.File {
	return &model.File{Path: path, Kind: "elf", Facts: &model.Facts{ELF: &model.ELFFacts{Class: "elf64", Machine: "x86-64", Type: typ, PIE: pie}}}
}

func TestOf(t *testing.T) {
	tests := []struct {
		name string
		f    *model.File
		role string
		why  string
	}{
		// Whole-token matching: a word is not a prefix unless it says so.
		{"codecov script is no codec", &model.File{Path: "ci.tgz!/package/codecov.sh", Kind: "script/shell"}, "script", ""},
		{"codecov uploader binary is no codec", elf("codecov", "exec", false), "program", ""},
		{"libavcodec", elf("pkg.deb!/data.tar.xz!/usr/lib/x86_64-linux-gnu/libavcodec-58.so", "dyn", false), "media", "name"},
		{"electron ffmpeg", pe("App-1.0.msi!/app/ffmpeg.dll", "dll", nil), "media", "name"},
		{"macOS dylib with lib prefix", &model.File{Path: "App.zip!/App.app/Contents/Frameworks/libffmpeg.dylib", Kind: "macho-fat"}, "media", "name"},
		{"d3dcompiler", pe("App-1.0.msi!/app/d3dcompiler_47.dll", "dll", nil), "graphics", "name"},
		{"libEGL", pe("app/libEGL.dll", "dll", nil), "graphics", "name"},
		{"System.Net.Http", pe("app/System.Net.Http.dll", "dll", nil), "network", "name"},
		{"libcurl", elf("usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0", "dyn", false), "network", "name"},
		{"setup.exe", pe("bundle.zip!/setup.exe", "exe", nil), "installer", "name"},
		{"Squirrel Update.exe", pe("app/Update.exe", "exe", nil), "installer", "name"},
		{"libcrypto", elf("usr/lib/libcrypto.so.3", "dyn", false), "crypto", "name"},
		{"zlib", elf("usr/lib/libz.so.1.2.13", "dyn", false), "compression", "name"},
		{"glibc", elf("usr/lib/x86_64-linux-gnu/libc.so.6", "dyn", false), "runtime", "name"},
		{"plain DLL", pe("app/helper.dll", "dll", nil), "library", ""},
		{"plain EXE", pe("app/App.exe", "exe", nil), "program", ""},
		{"PIE executable is a program", elf("usr/bin/tool", "dyn", true), "program", ""},
		{"shared object", elf("usr/lib/libthing.so.1", "dyn", false), "library", ""},
		{"version info names the job", pe("app/AppCore.dll", "dll", map[string]string{"FileDescription": "Video decoding"}), "media", "version info"},
		// The name is what a side-load depends on; version info is
		// whatever the build wrote. A trojanized codec that calls itself
		// an updater stays a codec.
		{"name beats version info", pe("app/ffmpeg.dll", "dll", map[string]string{"ProductName": "Acme Updater"}), "media", "name"},
		// Documents name libraries without being them.
		{"C header of a graphics library", &model.File{Path: "usr/include/libpng16/png.h", Kind: "text"}, "document", ""},
		{"zlib manual", &model.File{Path: "usr/share/doc/zlib/zlib.txt", Kind: "text"}, "document", ""},
		{"json manifest", &model.File{Path: "package/media-player.json", Kind: "text/json"}, "document", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := role.Of(tt.f, nil)
			if r.Name != tt.role || r.Why != tt.why {
				t.Errorf("Of(%s) = %q (why %q), want %q (why %q)", tt.f.Path, r.Name, r.Why, tt.role, tt.why)
			}
			if r.Describe == "" {
				t.Errorf("Of(%s): empty description", tt.f.Path)
			}
		})
	}
}

func TestOfExpected(t *testing.T) {
	caps := func(ns ...string) *model.Facts {
		f := &model.Facts{}
		for _, n := range ns {
			f.Capabilities = append(f.Capabilities, model.Capability{ID: n + "/x", Namespace: n})
		}
		return f
	}
	tests := []struct {
		name     string
		f, old   *model.File
		expected []string // namespaces that must be expected
		not      []string // namespaces that must not be
		why      string
	}{
		{"media expects only crypto", pe("ffmpeg.dll", "dll", nil), nil, []string{"crypto"}, []string{"net", "exec", "mem"}, "name"},
		{"network expects net", pe("winhttp_helper.dll", "dll", nil), nil, []string{"net", "crypto"}, []string{"mem", "persist"}, "name"},
		{"installer expects exec and persist", pe("setup.exe", "exe", nil), nil, []string{"net", "exec", "persist"}, []string{"mem", "credential"}, "name"},
		{"what the old version did is expected", pe("ffmpeg.dll", "dll", nil),
			&model.File{Path: "ffmpeg.dll", Facts: caps("net")}, []string{"net", "crypto"}, []string{"mem"}, "name"},
		{"existing capabilities are the only reason", pe("App.exe", "exe", nil),
			&model.File{Path: "App.exe", Facts: caps("exec", "fs")}, []string{"exec", "fs"}, []string{"net"}, "existing capabilities"},
		{"old side without facts", pe("App.exe", "exe", nil), &model.File{Path: "App.exe"}, nil, []string{"net"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := role.Of(tt.f, tt.old)
			for _, ns := range tt.expected {
				if !r.Expected[ns] {
					t.Errorf("%s: %q not expected (role %s, expected %v)", tt.f.Path, ns, r.Name, r.Expected)
				}
			}
			for _, ns := range tt.not {
				if r.Expected[ns] {
					t.Errorf("%s: %q expected (role %s)", tt.f.Path, ns, r.Name)
				}
			}
			if r.Why != tt.why {
				t.Errorf("why = %q, want %q", r.Why, tt.why)
			}
		})
	}
}

// TestOfDoesNotShareExpected guards against one call's old capabilities
// leaking into the rule table and so into every later call.
func TestOfDoesNotShareExpected(t *testing.T) {
	old := &model.File{Path: "ffmpeg.dll", Facts: &model.Facts{Capabilities: []model.Capability{{ID: "mem/x", Namespace: "mem"}}}}
	if r := role.Of(pe("ffmpeg.dll", "dll", nil), old); !r.Expected["mem"] {
		t.Fatal("old capability not expected")
	}
	if r := role.Of(pe("avcodec-61.dll", "dll", nil), nil); r.Expected["mem"] {
		t.Error("a previous call's old capabilities leaked into the media role")
	}
}

func TestWords(t *testing.T) {
	got := []string{role.Words("net"), role.Words("mem"), role.Words("install-hook"), role.Words("made-up")}
	want := []string{"networking", "executable-memory manipulation", "install-time hooks", "made-up"}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	for ns := range role.Risky {
		if _, ok := role.NamespaceWords[ns]; !ok {
			t.Errorf("risky namespace %q has no words for titles", ns)
		}
	}
}
