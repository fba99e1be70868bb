package pe_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/pe"
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/detect/pefind"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

// inspectReal runs the engine, with this analyzer and the pe detectors
// only, on a cached real release and returns its files by virtual path;
// the release must raise no finding.
func inspectReal(t *testing.T, name string) map[string]*model.File {
	t.Helper()
	rep, err := engine.Inspect(context.Background(), realdata.Path(t, name), engine.Config{
		Limits:    limits.Default(),
		Unpackers: unpacklist.All(),
		Analyzers: []analyze.Analyzer{pe.New()},
		Detectors: []detect.Detector{pefind.New(), pefind.NewSideload()},
	})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*model.File{}
	for _, f := range rep.Files {
		files[f.Path] = f
	}
	for _, e := range rep.Errors {
		if f := files[e.Path]; f != nil && f.Kind == "pe" && strings.HasPrefix(e.Error, "pe:") {
			t.Errorf("%s: %s", e.Path, e.Error)
		}
	}
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.ID, "pe.") || strings.HasPrefix(f.ID, "sig.") {
			t.Errorf("finding on a real benign release: %s %s %s", f.ID, f.Path, f.Title)
		}
	}
	return files
}

func peFacts(t *testing.T, files map[string]*model.File, path string) *model.PEFacts {
	t.Helper()
	f := files[path]
	if f == nil || f.Facts == nil || f.Facts.PE == nil {
		t.Fatalf("%s: no PE facts (file %+v)", path, f)
	}
	return f.Facts.PE
}

// TestRealEsbuild: a Go-built PE32+ console program, stripped, unsigned,
// importing kernel32.dll only.
func TestRealEsbuild(t *testing.T) {
	files := inspectReal(t, "esbuild-win32-x64-0.28.2.tgz")
	p := peFacts(t, files, "esbuild-win32-x64-0.28.2.tgz!/package/esbuild.exe")
	var names []string
	for _, s := range p.Sections {
		names = append(names, s.Name+":"+s.Flags)
	}
	got := struct {
		Machine, Format, Type, Subsystem string
		Entry, Base                      uint64
		Sections                         []string
		DLLs                             []string
		Kernel32                         int
		Overlay                          *model.Region
		Checksum                         *model.Checksum
	}{p.Machine, p.Format, p.Type, p.Subsystem, p.EntryPoint, p.ImageBase, names, nil, 0, p.Overlay, p.Checksum}
	for _, im := range p.Imports {
		got.DLLs = append(got.DLLs, im.DLL)
		if im.DLL == "kernel32.dll" {
			got.Kernel32 = len(im.Functions)
		}
	}
	want := got
	want.Machine, want.Format, want.Type, want.Subsystem = "amd64", "pe32+", "exe", "windows-cui"
	want.Entry, want.Base = 0x8c940, 0x140000000
	want.Sections = []string{".text:rx", ".rdata:r", ".data:rw", ".pdata:r", ".xdata:r", ".idata:rw", ".reloc:r", ".symtab:r"}
	want.DLLs, want.Kernel32 = []string{"kernel32.dll"}, 48 // objdump -p: 48 distinct names
	want.Overlay = nil
	want.Checksum = &model.Checksum{Stored: 0, Computed: 11731318}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("esbuild.exe (-want +got):\n%s", diff)
	}
}

// TestRealVersionInfo: MSVC-built 7za.exe and rcedit (x64 and ARM64/i386),
// with VERSIONINFO and a manifest.
func TestRealVersionInfo(t *testing.T) {
	tests := []struct {
		release, path string
		machine       string
		version       map[string]string
	}{
		{"7zip-bin-5.2.0.tgz", "7zip-bin-5.2.0.tgz!/package/win/x64/7za.exe", "amd64", map[string]string{
			"CompanyName": "Igor Pavlov", "FileDescription": "7-Zip Standalone Console", "FileVersion": "21.07",
			"InternalName": "7za", "LegalCopyright": "Copyright (c) 1999-2021 Igor Pavlov",
			"OriginalFilename": "7za.exe", "ProductName": "7-Zip", "ProductVersion": "21.07"}},
		{"7zip-bin-5.2.0.tgz", "7zip-bin-5.2.0.tgz!/package/win/arm64/7za.exe", "arm64", map[string]string{
			"CompanyName": "Igor Pavlov", "FileDescription": "7-Zip Standalone Console", "FileVersion": "21.02 alpha",
			"InternalName": "7za", "LegalCopyright": "Copyright (c) 1999-2021 Igor Pavlov",
			"OriginalFilename": "7za.exe", "ProductName": "7-Zip", "ProductVersion": "21.02 alpha"}},
		{"rcedit-5.0.2.tgz", "rcedit-5.0.2.tgz!/package/bin/rcedit-x64.exe", "amd64", map[string]string{
			"CompanyName": "GitHub, Inc", "FileDescription": "Edit resources of exe", "FileVersion": "2.0.0",
			"LegalCopyright": "Copyright (C) 2013 GitHub, Inc. All rights reserved.",
			"ProductName":    "rcedit", "ProductVersion": "2.0.0"}},
		{"rcedit-5.0.2.tgz", "rcedit-5.0.2.tgz!/package/bin/rcedit.exe", "i386", map[string]string{
			"CompanyName": "GitHub, Inc", "FileDescription": "Edit resources of exe", "FileVersion": "2.0.0",
			"LegalCopyright": "Copyright (C) 2013 GitHub, Inc. All rights reserved.",
			"ProductName":    "rcedit", "ProductVersion": "2.0.0"}},
	}
	cache := map[string]map[string]*model.File{}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if cache[tc.release] == nil {
				cache[tc.release] = inspectReal(t, tc.release)
			}
			p := peFacts(t, cache[tc.release], tc.path)
			if p.Machine != tc.machine || p.Type != "exe" {
				t.Errorf("machine %s type %s, want %s exe", p.Machine, p.Type, tc.machine)
			}
			if diff := cmp.Diff(tc.version, p.VersionInfo); diff != "" {
				t.Errorf("version info (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(map[string]int{"RT_MANIFEST": 1, "RT_VERSION": 1}, p.Resources); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRealDotNet: node-windows ships .NET assemblies (winsw, sudowin).
// Their checksums are set by the compiler and match.
func TestRealDotNet(t *testing.T) {
	files := inspectReal(t, "node-windows-0.1.14.tgz")
	tests := []struct {
		path     string
		typ      string
		checksum uint32
	}{
		{"node-windows-0.1.14.tgz!/package/bin/winsw/winsw.exe", "exe", 124419},
		{"node-windows-0.1.14.tgz!/package/bin/sudowin/Sudowin.Common.dll", "dll", 85455},
	}
	for _, tc := range tests {
		p := peFacts(t, files, tc.path)
		if !p.DotNet || p.Type != tc.typ || p.Machine != "i386" {
			t.Errorf("%s: dotnet %v type %s machine %s", tc.path, p.DotNet, p.Type, p.Machine)
		}
		if diff := cmp.Diff([]model.Import{{DLL: "mscoree.dll", Functions: p.Imports[0].Functions}}, p.Imports); diff != "" {
			t.Errorf("%s imports (-want +got):\n%s", tc.path, diff)
		}
		if diff := cmp.Diff(&model.Checksum{Stored: tc.checksum, Computed: tc.checksum}, p.Checksum); diff != "" {
			t.Errorf("%s checksum (-want +got):\n%s", tc.path, diff)
		}
	}
}
