// Package detect defines detectors: plugins that turn facts into findings.
// Each family lives in its own sub-package and is registered in detect/list.
//
// A file detector (mode S in DETECTORS.md) looks at one file's facts; a
// release detector (mode R) looks at all files of one release together; a
// diff detector (mode D) looks at what changed between two releases.
package detect

import "github.com/vouch-sec/vouch/internal/model"

// Detector is the base of every detector.
type Detector interface {
	// Name is path-style and unique, and is the prefix of the finding ids
	// it produces: "file" → "file.disguised-executable".
	Name() string
}

// FileDetector judges one file at a time.
type FileDetector interface {
	Detector
	DetectFile(f *model.File) []model.Finding
}

// ReleaseDetector judges the whole release at once.
type ReleaseDetector interface {
	Detector
	DetectRelease(files []*model.File) []model.Finding
}

// DiffDetector judges the delta between two releases. It sees every file
// pair (DiffFile.Old and .New hold both sides' facts, DiffFile.Delta what
// changed) and reports only what is new.
type DiffDetector interface {
	Detector
	DetectDiff(d *model.DiffReport) []model.Finding
}
