package msi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/msi"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

// member is what the tests compare for one emitted member.
type member struct {
	Name   string
	Size   int64
	SHA256 string
	Err    string
	Meta   map[string]string
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// payload returns the size and hash of a source file the fixtures were
// built from.
func payload(t *testing.T, version, name string) (int64, string) {
	b := read(t, filepath.Join("testdata", "payload", version, name))
	return int64(len(b)), sum(b)
}

// siblings serves files of testdata as the container's neighbours.
func siblings(name string) (io.ReaderAt, int64, error) {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		return nil, 0, fs.ErrNotExist
	}
	return bytes.NewReader(b), int64(len(b)), nil
}

func run(t *testing.T, u unpack.Unpacker, b []byte, sibling func(string) (io.ReaderAt, int64, error)) ([]member, map[string]string, error) {
	t.Helper()
	in := unpacktest.Input("test.msi", b)
	in.Sibling = sibling
	es, err := unpacktest.Collect(u, in)
	var out []member
	for _, e := range es {
		m := member{Name: e.Name, Size: e.Size, Meta: e.Meta}
		if e.Err != nil {
			m.Err = e.Err.Error()
		} else {
			m.SHA256 = sum(e.Data)
			if int64(len(e.Data)) != e.Size {
				t.Errorf("%s: read %d bytes, Size says %d", e.Name, len(e.Data), e.Size)
			}
		}
		out = append(out, m)
	}
	return out, in.Meta, err
}

// tableStreams are the tables wixl writes that the unpacker consumes as
// rows; listed here so that a test notices one leaking out as a member.
func fileMember(t *testing.T, version, path, source, key, component, fileVersion string) member {
	size, h := payload(t, version, source)
	m := member{Name: path, Size: size, SHA256: h, Meta: map[string]string{
		"msi.cabinet": "tinyapp.cab", "msi.file_key": key, "msi.component": component,
	}}
	if fileVersion != "" {
		m.Meta["msi.version"] = fileVersion
	}
	return m
}

func TestFixtures(t *testing.T) {
	const ca = "CheckLicense (dll CheckLicense, type 2113)"
	binary := func(version string) member {
		size, h := payload(t, version, "CustomAction.dll")
		return member{Name: "Binary/LicenseCheck", Size: size, SHA256: h,
			Meta: map[string]string{"msi.table": "Binary", "msi.custom_actions": ca}}
	}
	meta := func(version, code, product string) map[string]string {
		return map[string]string{
			"msi.kind": "package", "msi.title": "Installation Database",
			"msi.subject": "TinyApp " + version + " test installer", "msi.author": "Vouch Test Fixtures",
			"msi.keywords": "Installer", "msi.comments": "Inert test fixture", "msi.template": "Intel;1033",
			"msi.package_code": "{0F4B6D2E-8C1A-4E3B-B7D9-5A6C8E0F" + code + "}", "msi.schema": "200",
			"msi.creating_app": "msitools 0.101",
			"msi.product_name": "TinyApp", "msi.product_version": version, "msi.manufacturer": "Vouch Test Fixtures",
			"msi.product_code":   "{8D7C2A47-3F0E-4A8E-9A55-2B6C7F1D" + strings.ToUpper(code) + "}",
			"msi.upgrade_code":   "{6a3c2b8e-6d3f-4b43-9d1e-0c3a5f1e2b10}",
			"msi.custom_actions": ca, "msi.files": "4",
		}
	}
	v100 := meta("1.0.0", "0100", "TinyApp")
	v101 := meta("1.0.1", "0101", "TinyApp")
	v101["msi.signed"], v101["msi.files"] = "true", "5"
	ext := meta("1.0.0", "0e00", "TinyApp")
	ext["msi.external_cabinets"] = "tinyapp-ext.cab"
	extMissing := meta("1.0.0", "0e00", "TinyApp")
	extMissing["msi.external_cabinets"] = "tinyapp-ext.cab"
	extMissing["msi.missing_cabinets"] = "tinyapp-ext.cab"
	extMissing["msi.files_not_in_cabinets"] = "4"

	withCab := func(m member, cab string) member {
		m.Meta["msi.cabinet"] = cab
		return m
	}
	orphanSize, orphanSum := int64(len("not listed in the File table\n")), sum([]byte("not listed in the File table\n"))

	tests := []struct {
		name    string
		file    string
		sibling func(string) (io.ReaderAt, int64, error)
		want    []member
		meta    map[string]string
		err     string // in Unpack's error; "" for nil
	}{
		{
			name: "1.0.0 embedded cab, short|long names",
			file: "TinyApp-1.0.0.msi",
			want: []member{
				fileMember(t, "1.0.0", "ProgramFilesFolder/TinyApp/TinyApp.exe", "TinyApp.exe", "fil_TinyApp_exe", "MainExe", "1.0.0.0"),
				fileMember(t, "1.0.0", "ProgramFilesFolder/TinyApp/ffmpeg.dll", "ffmpeg.dll", "fil_ffmpeg_dll", "Codec", "6.0.0.0"),
				fileMember(t, "1.0.0", "ProgramFilesFolder/TinyApp/assets/TinyApp.ico", "TinyApp.ico", "fil_icon", "Assets", ""),
				fileMember(t, "1.0.0", "ProgramFilesFolder/TinyApp/assets/README.txt", "README.txt", "fil_readme", "Assets", ""),
				binary("1.0.0"),
			},
			meta: v100,
		},
		{
			name: "1.0.1 signed, added file",
			file: "TinyApp-1.0.1.msi",
			want: []member{
				fileMember(t, "1.0.1", "ProgramFilesFolder/TinyApp/TinyApp.exe", "TinyApp.exe", "fil_TinyApp_exe", "MainExe", ""),
				fileMember(t, "1.0.1", "ProgramFilesFolder/TinyApp/ffmpeg.dll", "ffmpeg.dll", "fil_ffmpeg_dll", "Codec", "6.0.1.0"),
				fileMember(t, "1.0.1", "ProgramFilesFolder/TinyApp/d3dcompiler_47.dll", "d3dcompiler_47.dll", "fil_d3dcompiler", "Compiler", ""),
				fileMember(t, "1.0.1", "ProgramFilesFolder/TinyApp/assets/TinyApp.ico", "TinyApp.ico", "fil_icon", "Assets", ""),
				fileMember(t, "1.0.1", "ProgramFilesFolder/TinyApp/assets/README.txt", "README.txt", "fil_readme", "Assets", ""),
				binary("1.0.1"),
			},
			meta: v101,
		},
		{
			name:    "external cab through Sibling, with an orphan",
			file:    "TinyApp-ext.msi",
			sibling: siblings,
			want: []member{
				withCab(fileMember(t, "1.0.0", "ProgramFilesFolder/TinyApp/TinyApp.exe", "TinyApp.exe", "fil_TinyApp_exe", "MainExe", ""), "tinyapp-ext.cab"),
				withCab(fileMember(t, "1.0.0", "ProgramFilesFolder/TinyApp/ffmpeg.dll", "ffmpeg.dll", "fil_ffmpeg_dll", "Codec", ""), "tinyapp-ext.cab"),
				withCab(fileMember(t, "1.0.0", "ProgramFilesFolder/TinyApp/assets/TinyApp.ico", "TinyApp.ico", "fil_icon", "Assets", ""), "tinyapp-ext.cab"),
				withCab(fileMember(t, "1.0.0", "ProgramFilesFolder/TinyApp/assets/README.txt", "README.txt", "fil_readme", "Assets", ""), "tinyapp-ext.cab"),
				{Name: "orphan_key", Size: orphanSize, SHA256: orphanSum, Meta: map[string]string{"msi.cabinet": "tinyapp-ext.cab", "msi.orphan": "true"}},
				binary("1.0.0"),
			},
			meta: ext,
		},
		{
			name: "external cab missing",
			file: "TinyApp-ext.msi",
			want: []member{binary("1.0.0")},
			meta: extMissing,
		},
		{
			name: "directory cycle",
			file: "cycle.msi",
			want: []member{
				fileMember(t, "1.0.0", "assets/TinyApp/TinyApp.exe", "TinyApp.exe", "fil_TinyApp_exe", "MainExe", "1.0.0.0"),
				fileMember(t, "1.0.0", "assets/TinyApp/ffmpeg.dll", "ffmpeg.dll", "fil_ffmpeg_dll", "Codec", "6.0.0.0"),
				fileMember(t, "1.0.0", "TinyApp/assets/TinyApp.ico", "TinyApp.ico", "fil_icon", "Assets", ""),
				fileMember(t, "1.0.0", "TinyApp/assets/README.txt", "README.txt", "fil_readme", "Assets", ""),
				binary("1.0.0"),
			},
			meta: v100,
			err:  `directory "INSTALLDIR": cycle`,
		},
		{
			name: "truncated",
			file: "truncated.msi",
			meta: map[string]string{},
			err:  "mscfb.New",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, meta, err := run(t, msi.New(), read(t, filepath.Join("testdata", tt.file)), tt.sibling)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("Unpack error = %v, want %q", err, tt.err)
			}
			if err != nil && !errors.Is(err, unpack.ErrCorrupt) {
				t.Errorf("Unpack error %v does not wrap ErrCorrupt", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			if c, ok := meta["msi.created"]; ok {
				if _, err := time.Parse(time.RFC3339, c); err != nil {
					t.Errorf("msi.created = %q: %v", c, err)
				}
				delete(meta, "msi.created")
			}
			if diff := cmp.Diff(tt.meta, meta); diff != "" {
				t.Errorf("meta (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	word := buildCFB(clsidWord, []cfbStream{{name: "WordDocument", data: []byte("text")}, {name: "\x01CompObj", data: []byte("x")}})
	noCLSID := tinyDB(nil)
	noCLSID.clsid = [16]byte{}
	tests := []struct {
		name     string
		b        []byte
		msi, ole bool
	}{
		{"TinyApp-1.0.0.msi", read(t, "testdata/TinyApp-1.0.0.msi"), true, true},
		{"TinyApp-1.0.1.msi", read(t, "testdata/TinyApp-1.0.1.msi"), true, true},
		{"word document", word, false, true},
		{"zero class id, string pool present", noCLSID.build(), true, true},
		{"cabinet", read(t, "testdata/tinyapp-ext.cab"), false, false},
		{"empty", nil, false, false},
		{"magic only", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, false, true},
	}
	for _, tt := range tests {
		in := unpacktest.Input(tt.name, tt.b)
		if got := msi.New().Match(in); got != tt.msi {
			t.Errorf("msi Match(%s) = %v, want %v", tt.name, got, tt.msi)
		}
		if got := msi.OLE().Match(in); got != tt.ole {
			t.Errorf("ole Match(%s) = %v, want %v", tt.name, got, tt.ole)
		}
	}
}

func TestOLE(t *testing.T) {
	word := buildCFB(clsidWord, []cfbStream{
		{name: "WordDocument", data: bytes.Repeat([]byte("w"), 5000)},
		{name: "\x01CompObj", data: []byte("compobj")},
		{name: "\x05SummaryInformation", data: []byte("props")},
	})
	got, meta, err := run(t, msi.OLE(), word, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []member{
		{Name: "WordDocument", Size: 5000, SHA256: sum(bytes.Repeat([]byte("w"), 5000))},
		{Name: "CompObj", Size: 7, SHA256: sum([]byte("compobj"))},
		{Name: "SummaryInformation", Size: 5, SHA256: sum([]byte("props"))},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if meta["ole.clsid"] != "{00020906-0000-0000-C000-000000000046}" {
		t.Errorf("ole.clsid = %q", meta["ole.clsid"])
	}
}

// crafted runs the unpacker over a hand-built database whose embedded
// cabinet is the external-cab fixture.
func crafted(t *testing.T, db msiDB) ([]member, map[string]string, error) {
	t.Helper()
	return run(t, msi.New(), db.build(), nil)
}

func names(ms []member) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

func TestCrafted(t *testing.T) {
	cab := read(t, "testdata/tinyapp-ext.cab")
	wantNames := []string{
		"ProgramFiles64Folder/Evil Corp/bin/TinyApp.exe",
		"ProgramFiles64Folder/Evil Corp/ffmpeg.dll",
		"ProgramFiles64Folder/Evil Corp/bin/TinyApp.ico",
		"ProgramFiles64Folder/Evil Corp/bin/README.txt",
		"orphan_key",
		"Binary/Helper",
		"CustomAction/Inline.vbs",
		"Hidden.bin",
	}
	for _, long := range []bool{false, true} {
		t.Run(fmt.Sprintf("longRefs=%v", long), func(t *testing.T) {
			db := tinyDB(cab)
			db.longRefs = long
			got, meta, err := crafted(t, db)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantNames, names(got)); diff != "" {
				t.Fatalf("names (-want +got):\n%s", diff)
			}
			size, h := payload(t, "1.0.0", "TinyApp.exe")
			if got[0].Size != size || got[0].SHA256 != h {
				t.Errorf("TinyApp.exe: %d %s, want %d %s", got[0].Size, got[0].SHA256, size, h)
			}
			wantMeta := map[string]string{
				"msi.cabinet": "data.cab", "msi.file_key": "fil_TinyApp_exe", "msi.component": "Main",
				"msi.version": "2.0.0.0", "msi.custom_actions": "LaunchApp (exe /quiet, type 18)",
			}
			if diff := cmp.Diff(wantMeta, got[0].Meta); diff != "" {
				t.Errorf("TinyApp.exe meta (-want +got):\n%s", diff)
			}
			if got[1].Meta["msi.declared_size"] != "1" {
				t.Errorf("ffmpeg.dll declared size = %q, want 1", got[1].Meta["msi.declared_size"])
			}
			if diff := cmp.Diff(member{Name: "Binary/Helper", Size: 9, SHA256: sum([]byte("MZ helper")),
				Meta: map[string]string{"msi.table": "Binary", "msi.custom_actions": "RunHelper (dll Go, type 1)"}}, got[5]); diff != "" {
				t.Errorf("Binary/Helper (-want +got):\n%s", diff)
			}
			if got[6].SHA256 != sum([]byte(`MsgBox "hi"`)) || got[6].Meta["msi.table"] != "CustomAction" {
				t.Errorf("inline script = %+v", got[6])
			}
			if got[7].Meta["msi.stream"] != "unreferenced" {
				t.Errorf("Hidden.bin meta = %v", got[7].Meta)
			}
			wantActions := "RunHelper (dll Go, type 1); Inline (vbscript, type 38); LaunchApp (exe /quiet, type 18); RunCmd (exe cmd.exe /c evil, type 34)"
			if got := meta["msi.custom_actions"]; got != wantActions {
				t.Errorf("msi.custom_actions = %q, want %q", got, wantActions)
			}
			if meta["msi.product_name"] != "Crafted" || meta["msi.product_version"] != "9.9" || meta["msi.manufacturer"] != "Nobody" {
				t.Errorf("meta = %v", meta)
			}
		})
	}
}

func TestCraftedDamage(t *testing.T) {
	cab := read(t, "testdata/tinyapp-ext.cab")
	tests := []struct {
		name   string
		edit   func(db *msiDB)
		names  []string // first emitted names, in order; nil to skip
		err    string
		errors []error
	}{
		{
			name: "deep directory chain",
			edit: func(db *msiDB) {
				rows := [][]any{{"TARGETDIR", nil, "SourceDir"}, {"D0", "TARGETDIR", "d0"}}
				for i := 1; i < 200; i++ {
					rows = append(rows, []any{fmt.Sprintf("D%d", i), fmt.Sprintf("D%d", i-1), fmt.Sprintf("d%d", i)})
				}
				rows = append(rows, []any{"DOTDIR", "D199", "."}, []any{"APPDIR", "D199", "app"})
				db.tables[0].rows = rows
			},
			err: "cycle or over 64 levels",
		},
		{
			name: "directory self cycle",
			edit: func(db *msiDB) {
				db.tables[0].rows = [][]any{{"DOTDIR", "APPDIR", "x"}, {"APPDIR", "DOTDIR", "y"}}
			},
			names: []string{"y/x/TinyApp.exe"},
			err:   "cycle",
		},
		{
			name: "string id out of range",
			edit: func(db *msiDB) {
				db.tables[2].rows[0][1] = 60000 // Component_
			},
			names: []string{"TinyApp.exe"},
			err:   "string ids outside the string pool",
		},
		{
			name: "absurd column number",
			edit: func(db *msiDB) {
				db.extraColumns = [][4]any{{"Evil", 5000, "Col", tInt2}}
			},
			names: []string{"ProgramFiles64Folder/Evil Corp/bin/TinyApp.exe"},
			err:   `table "Evil" column 5000`,
		},
		{
			name: "table not whole rows",
			edit: func(db *msiDB) {
				db.tables[2].raw = []byte{1, 2, 3}
			},
			names: []string{"fil_TinyApp_exe", "fil_ffmpeg_dll"},
			err:   `table "File": 3 bytes is not a whole number`,
		},
		{
			name: "stream larger than the file",
			edit: func(db *msiDB) {
				for i := range db.streams {
					if db.streams[i].name == encodeName("data.cab", false) {
						db.streams[i].size = 1 << 31
					}
				}
			},
			names: []string{"Binary/Helper"},
			err:   `embedded cabinet "data.cab": 2147483648 bytes`,
		},
		{
			name: "missing embedded cabinet",
			edit: func(db *msiDB) {
				db.tables[3].rows[0][2] = "#gone.cab"
			},
			names: []string{"Binary/Helper"},
			err:   `embedded cabinet "gone.cab": no such stream`,
		},
		{
			name: "string pool shorter than its data",
			edit: func(db *msiDB) {
				db.streams = append(db.streams, cfbStream{name: encodeName("_StringPool", true), data: []byte{0xE9, 0xFD, 0, 0, 0xFF, 0x7F, 1, 0}})
			},
			err: "_StringPool",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := tinyDB(cab)
			tt.edit(&db)
			got, _, err := crafted(t, db)
			if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, unpack.ErrCorrupt) {
				t.Errorf("Unpack error = %v, want %q wrapping ErrCorrupt", err, tt.err)
			}
			if tt.names != nil {
				n := names(got)
				if len(n) > len(tt.names) {
					n = n[:len(tt.names)]
				}
				if diff := cmp.Diff(tt.names, n); diff != "" {
					t.Errorf("first names (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestCraftedTruncated(t *testing.T) {
	// An embedded cabinet big enough to live in regular sectors at the end
	// of the file, cut inside its data: the tables survive, the files are
	// listed, their bytes fail, and the streams in front still read.
	cab := read(t, "testdata/tinyapp-ext.cab")
	big := append(append([]byte{}, cab...), bytes.Repeat([]byte{0}, 8192)...)
	b := tinyDB(big).build()
	b = b[:len(b)-8192-1000]
	got, _, err := run(t, msi.New(), b, nil)
	if err == nil || !errors.Is(err, unpack.ErrCorrupt) || !strings.Contains(err.Error(), fmt.Sprintf(`embedded cabinet "data.cab": %d bytes`, len(big))) {
		t.Errorf("Unpack error = %v, want a short cabinet, ErrCorrupt", err)
	}
	want := []string{
		"ProgramFiles64Folder/Evil Corp/bin/TinyApp.exe",
		"ProgramFiles64Folder/Evil Corp/ffmpeg.dll",
		"ProgramFiles64Folder/Evil Corp/bin/TinyApp.ico",
		"ProgramFiles64Folder/Evil Corp/bin/README.txt",
		"orphan_key",
		"Binary/Helper",
		"CustomAction/Inline.vbs",
		"Hidden.bin",
	}
	if diff := cmp.Diff(want, names(got)); diff != "" {
		t.Fatalf("names (-want +got):\n%s", diff)
	}
	if got[0].Err == "" {
		t.Errorf("%s read although its data is cut off", got[0].Name)
	}
	if got[5].Err != "" || got[5].SHA256 != sum([]byte("MZ helper")) {
		t.Errorf("Binary/Helper = %+v", got[5])
	}
}

func TestCancel(t *testing.T) {
	in := unpacktest.Input("x.msi", read(t, "testdata/TinyApp-1.0.0.msi"))
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := msi.New().Unpack(ctx, in, func(m *unpack.Member) error {
		n++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("Unpack after cancel: %v, %d members", err, n)
	}
	stop := errors.New("stop")
	err = msi.New().Unpack(context.Background(), in, func(m *unpack.Member) error { return stop })
	if err != stop {
		t.Errorf("Unpack with failing emit = %v, want %v", err, stop)
	}
}

func TestExternalCabinetNames(t *testing.T) {
	for _, name := range []string{"../evil.cab", `sub\x.cab`, "C:x.cab"} {
		db := tinyDB(nil)
		db.tables[3].rows[0][2] = name
		asked := false
		in := unpacktest.Input("x.msi", db.build())
		in.Sibling = func(string) (io.ReaderAt, int64, error) {
			asked = true
			return nil, 0, fs.ErrNotExist
		}
		_, err := unpacktest.Collect(msi.New(), in)
		if asked {
			t.Errorf("%q: Sibling was called", name)
		}
		if !errors.Is(err, unpack.ErrUnsupported) || !strings.Contains(err.Error(), "not a plain file name") {
			t.Errorf("%q: Unpack error = %v", name, err)
		}
		if in.Meta["msi.missing_cabinets"] != name {
			t.Errorf("%q: msi.missing_cabinets = %q", name, in.Meta["msi.missing_cabinets"])
		}
	}
}
