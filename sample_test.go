package vouch_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch"
)

// TestBundledSample is the README's first command: the bundled MSI must
// unpack to its real install paths, with nothing unreadable.
func TestBundledSample(t *testing.T) {
	rep, err := vouch.Inspect(context.Background(), "examples/TinyApp-1.0.1.msi", vouch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Files {
		got[f.Path] = f.Kind
	}
	want := map[string]string{
		"TinyApp-1.0.1.msi":                                                "msi",
		"TinyApp-1.0.1.msi!/Binary/LicenseCheck":                           "pe",
		"TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/TinyApp.exe":        "pe",
		"TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/ffmpeg.dll":         "pe",
		"TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/d3dcompiler_47.dll": "pe",
		"TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/assets/README.txt":  "text",
		"TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/assets/TinyApp.ico": "image/ico",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	if len(rep.Errors) > 0 {
		t.Errorf("errors: %v", rep.Errors)
	}
	root := rep.Files[0]
	if root.Meta["msi.product_version"] != "1.0.1" || root.Meta["msi.signed"] != "true" {
		t.Errorf("msi meta = %v", root.Meta)
	}
	for _, f := range rep.Files[1:] {
		if len(f.SHA256) != 64 || len(f.Chain) != 1 || f.Chain[0].Format != "msi" {
			t.Errorf("%s: sha256 %q chain %v", f.Path, f.SHA256, f.Chain)
		}
	}
}
