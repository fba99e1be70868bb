package attest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Local is a release on the host, hashed the way vouch names subjects.
type Local struct {
	Kind  string    // "file" or "directory"
	Files []Subject // the file, or every regular file of the directory by relative path, sorted
}

// HashTarget hashes a file, or every regular file under a directory
// (symbolic links are not followed, as vouch inspect does not follow them).
func HashTarget(target string) (*Local, error) {
	st, err := os.Stat(target)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		sum, err := hashFile(target)
		if err != nil {
			return nil, err
		}
		return &Local{Kind: "file", Files: []Subject{{Name: filepath.Base(target), Digest: map[string]string{"sha256": sum}}}}, nil
	}
	l := &Local{Kind: "directory"}
	err = filepath.WalkDir(target, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		sum, err := hashFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(target, p)
		if err != nil {
			return err
		}
		l.Files = append(l.Files, Subject{Name: filepath.ToSlash(rel), Digest: map[string]string{"sha256": sum}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortSubjects(l.Files)
	return l, nil
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// SubjectError says the release on the host is not what the statement is
// about.
type SubjectError struct {
	Kind string
	// For a file: its sha256, which no subject has.
	SHA256 string
	// For a directory: files that are not subjects (or whose content
	// differs from the subject of that name), and subjects missing from
	// the directory.
	NotAttested []Subject
	Missing     []Subject
}

func (e *SubjectError) Error() string {
	if e.Kind == "file" {
		return fmt.Sprintf("sha256 %s is not a subject of this attestation", e.SHA256)
	}
	var parts []string
	if n := len(e.NotAttested); n > 0 {
		parts = append(parts, fmt.Sprintf("%d file(s) are not subjects of this attestation: %s", n, listSubjects(e.NotAttested)))
	}
	if n := len(e.Missing); n > 0 {
		parts = append(parts, fmt.Sprintf("%d subject(s) are missing: %s", n, listSubjects(e.Missing)))
	}
	if len(parts) == 0 {
		return "the directory holds no files"
	}
	return strings.Join(parts, "; ")
}

// listSubjects names the first few subjects.
func listSubjects(s []Subject) string {
	const show = 5
	var names []string
	for i, x := range s {
		if i == show {
			names = append(names, fmt.Sprintf("and %d more", len(s)-show))
			break
		}
		names = append(names, fmt.Sprintf("%s (sha256 %s)", x.Name, x.SHA256()))
	}
	return strings.Join(names, ", ")
}

// Match checks that the release on the host is a subject of st. A file
// matches a subject by digest alone (downloads get renamed); a directory
// matches when its files and the subjects are the same set of names with
// the same digests. It returns the subjects matched, or a *SubjectError.
func (st *Statement) Match(l *Local) ([]Subject, error) {
	if l.Kind == "file" {
		want := l.Files[0].SHA256()
		for _, s := range st.Subject {
			if s.SHA256() == want {
				return []Subject{s}, nil
			}
		}
		return nil, &SubjectError{Kind: "file", SHA256: want}
	}
	byName := map[string]Subject{}
	for _, s := range st.Subject {
		byName[s.Name] = s
	}
	e := &SubjectError{Kind: "directory"}
	var matched []Subject
	for _, f := range l.Files {
		s, ok := byName[f.Name]
		if !ok || s.SHA256() != f.SHA256() {
			e.NotAttested = append(e.NotAttested, f)
			continue
		}
		matched = append(matched, s)
		delete(byName, f.Name)
	}
	for _, s := range st.Subject {
		if _, left := byName[s.Name]; left {
			e.Missing = append(e.Missing, s)
			delete(byName, s.Name)
		}
	}
	if len(e.NotAttested)+len(e.Missing) > 0 || len(matched) == 0 {
		return nil, e
	}
	return matched, nil
}
