// Package masquerade finds native executables whose file name claims they
// are something inert: an image, a text or a data file. Droppers hide their
// next stage so (MITRE ATT&CK T1036.008), and release tooling that trusts
// extensions ships them without a second look.
package masquerade

import (
	"fmt"
	"path"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the detector; findings are "file.*".
const Name = "file"

// inert lists extensions whose files are never executed as native code.
// Deliberately absent: .bin, .dat and .node (native addons), which often
// hold code legitimately.
var inert = map[string]string{
	".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".ico": "icon", ".bmp": "image",
	".svg": "image", ".webp": "image", ".icns": "icon",
	".txt": "text", ".md": "text", ".json": "data", ".xml": "data", ".yml": "data", ".yaml": "data",
	".csv": "data", ".html": "web page", ".css": "stylesheet", ".js": "script", ".ts": "script",
	".pdf": "document", ".ttf": "font", ".woff": "font", ".woff2": "font", ".mp3": "audio",
	".wav": "audio", ".mp4": "video", ".license": "text", ".log": "text",
}

type detector struct{}

// New returns the detector.
func New() detect.FileDetector { return detector{} }

func (detector) Name() string { return Name }

func (detector) DetectFile(f *model.File) []model.Finding {
	if !identify.IsExecutable(f.Kind) {
		return nil
	}
	base := f.Path
	if i := strings.LastIndex(base, "!/"); i >= 0 {
		base = base[i+2:]
	}
	ext := strings.ToLower(path.Ext(path.Base(base)))
	claim, ok := inert[ext]
	if !ok {
		return nil
	}
	return []model.Finding{{
		ID:       Name + ".disguised-executable",
		Severity: model.SeverityMedium,
		Path:     f.Path,
		Title:    fmt.Sprintf("%s executable named like %s %s file (%s)", strings.ToUpper(f.Kind), article(claim), claim, ext),
		Evidence: map[string]any{"kind": f.Kind, "extension": ext, "claimed": claim},
	}}
}

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
