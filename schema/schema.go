// Package schema holds the JSON Schemas (draft 2020-12) of vouch's JSON
// documents, contract v1: inspect-v1.json for "vouch/inspect/v1" and
// diff-v1.json for "vouch/diff/v1". They follow the Go types of
// internal/model field for field, require what the contract promises
// (ARCHITECTURE.md) and what vouch always writes, and are strict on types
// and on the severity and file-status names. They allow properties they do
// not name, because v1 may gain fields; a field is never renamed or removed
// without a new schema version.
//
// The files are the published artifact: CI users can validate vouch's
// output with any JSON Schema validator. [Validate] does the same in Go.
package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The schema files, as committed.
var (
	//go:embed inspect-v1.json
	InspectV1 []byte
	//go:embed diff-v1.json
	DiffV1 []byte
)

// Schema identifiers: the value of a document's "schema" field, and the
// $id of the JSON Schema that describes it.
const (
	NameInspectV1 = "vouch/inspect/v1"
	NameDiffV1    = "vouch/diff/v1"

	IDInspectV1 = "https://github.com/vouch-sec/vouch/blob/main/schema/inspect-v1.json"
	IDDiffV1    = "https://github.com/vouch-sec/vouch/blob/main/schema/diff-v1.json"
)

// For returns the JSON Schema of a document schema name ("vouch/diff/v1").
func For(name string) ([]byte, bool) {
	switch name {
	case NameInspectV1:
		return InspectV1, true
	case NameDiffV1:
		return DiffV1, true
	}
	return nil, false
}

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

func compile() (map[string]*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		out := map[string]*jsonschema.Schema{}
		for _, s := range []struct {
			name, id string
			doc      []byte
		}{{NameInspectV1, IDInspectV1, InspectV1}, {NameDiffV1, IDDiffV1, DiffV1}} {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(s.doc))
			if err != nil {
				compileErr = fmt.Errorf("schema %s: %w", s.name, err)
				return
			}
			if err := c.AddResource(s.id, v); err != nil {
				compileErr = fmt.Errorf("schema %s: %w", s.name, err)
				return
			}
			sch, err := c.Compile(s.id)
			if err != nil {
				compileErr = fmt.Errorf("schema %s: %w", s.name, err)
				return
			}
			out[s.name] = sch
		}
		compiled = out
	})
	return compiled, compileErr
}

// Validate checks a vouch JSON document against the schema its "schema"
// field names. The error describes every violation.
func Validate(doc []byte) error {
	schemas, err := compile()
	if err != nil {
		return err
	}
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(doc, &head); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	sch, ok := schemas[head.Schema]
	if !ok {
		return fmt.Errorf("unknown schema %q (want %s or %s)", head.Schema, NameInspectV1, NameDiffV1)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}
