// Package sbomtest checks rendered SBOMs in tests: CycloneDX against the
// official 1.6 JSON schema the cyclonedx-go module ships, SPDX through the
// SPDX library's reader and validator plus the SPDX 2.3 rules they leave
// out. It is imported by tests only.
package sbomtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/santhosh-tekuri/jsonschema/v6"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdxlib"
)

// The CycloneDX 1.6 JSON schema is the official one the cyclonedx-go
// module ships in its schema directory (the library's own validator is
// test-only), read from the module cache rather than copied here.
var (
	cdxOnce   sync.Once
	cdxSchema *jsonschema.Schema
	cdxErr    error
)

const cdxSchemaURL = "http://cyclonedx.org/schema/bom-1.6.schema.json"

// CycloneDXSchema is the compiled official CycloneDX 1.6 JSON schema.
func CycloneDXSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	cdxOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/CycloneDX/cyclonedx-go").Output()
		if err != nil {
			cdxErr = err
			return
		}
		dir := filepath.Join(strings.TrimSpace(string(out)), "schema")
		c := jsonschema.NewCompiler()
		// bom-1.6 refers to the SPDX licence list and JSF by $id (the
		// module ships the latter as jsf-0.82.schemax.json).
		for _, name := range []string{"bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schemax.json"} {
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				cdxErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(f)
			f.Close()
			if err != nil {
				cdxErr = err
				return
			}
			id, _ := doc.(map[string]any)["$id"].(string)
			if err := c.AddResource(id, doc); err != nil {
				cdxErr = err
				return
			}
		}
		cdxSchema, cdxErr = c.Compile(cdxSchemaURL)
	})
	if cdxErr != nil {
		t.Fatalf("CycloneDX 1.6 schema: %v", cdxErr)
	}
	return cdxSchema
}

var serialRE = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// CycloneDX validates a rendered BOM against the official schema,
// decodes it with cyclonedx-go and checks what the schema cannot: every
// bom-ref is unique and every reference points at one.
func CycloneDX(t testing.TB, b []byte) *cdx.BOM {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := CycloneDXSchema(t).Validate(inst); err != nil {
		t.Fatalf("CycloneDX 1.6 schema: %v", err)
	}
	return CycloneDXRefs(t, b)
}

// CycloneDXRefs is CycloneDX without the schema (for the fuzz
// target, where compiling and running the schema dominates).
func CycloneDXRefs(t testing.TB, b []byte) *cdx.BOM {
	t.Helper()
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(b), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatalf("cyclonedx-go cannot decode: %v", err)
	}
	if bom.SpecVersion != cdx.SpecVersion1_6 || bom.BOMFormat != cdx.BOMFormat {
		t.Errorf("format %q version %v", bom.BOMFormat, bom.SpecVersion)
	}
	if !serialRE.MatchString(bom.SerialNumber) {
		t.Errorf("serialNumber %q", bom.SerialNumber)
	}
	if bom.Metadata == nil || bom.Metadata.Component == nil || bom.Metadata.Component.Name == "" {
		t.Fatal("no metadata.component")
	}
	refs := map[string]bool{}
	add := func(ref string) {
		if ref == "" {
			return
		}
		if refs[ref] {
			t.Errorf("bom-ref %q used twice", ref)
		}
		refs[ref] = true
	}
	add(bom.Metadata.Component.BOMRef)
	if bom.Metadata.Tools != nil && bom.Metadata.Tools.Components != nil {
		for _, c := range *bom.Metadata.Tools.Components {
			add(c.BOMRef)
		}
	}
	WalkComponents(bom.Components, func(c cdx.Component, _ string) {
		if c.BOMRef == "" {
			t.Errorf("component %q has no bom-ref", c.Name)
		}
		add(c.BOMRef)
	})
	if bom.Vulnerabilities != nil {
		for _, v := range *bom.Vulnerabilities {
			add(v.BOMRef)
		}
	}
	need := func(what, ref string) {
		if !refs[ref] {
			t.Errorf("%s refers to %q, which is not in the BOM", what, ref)
		}
	}
	if bom.Dependencies != nil {
		for _, d := range *bom.Dependencies {
			need("dependency", d.Ref)
			if d.Dependencies != nil {
				for _, on := range *d.Dependencies {
					need("dependsOn", on)
				}
			}
		}
	}
	if bom.Compositions != nil {
		for _, c := range *bom.Compositions {
			if c.Assemblies != nil {
				for _, a := range *c.Assemblies {
					need("composition", string(a))
				}
			}
		}
	}
	if bom.Vulnerabilities != nil {
		for _, v := range *bom.Vulnerabilities {
			if v.Affects == nil || len(*v.Affects) == 0 {
				t.Errorf("vulnerability %s affects nothing", v.ID)
				continue
			}
			for _, a := range *v.Affects {
				need("vulnerability "+v.ID, a.Ref)
			}
		}
	}
	return &bom
}

// WalkComponents visits every component depth first with the bom-ref of
// its parent ("" at the top level).
func WalkComponents(cs *[]cdx.Component, fn func(c cdx.Component, parent string)) {
	var walk func(cs *[]cdx.Component, parent string)
	walk = func(cs *[]cdx.Component, parent string) {
		if cs == nil {
			return
		}
		for _, c := range *cs {
			fn(c, parent)
			walk(c.Components, c.BOMRef)
		}
	}
	walk(cs, "")
}

var (
	spdxIDRE   = regexp.MustCompile(`^SPDXRef-[A-Za-z0-9.-]+$`)
	spdxDateRE = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$`)
	sha256RE   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// spdxRaw is the part of an SPDX JSON document checked as written (the
// library's reader strips the SPDXRef- prefixes).
type spdxRaw struct {
	SPDXID            string `json:"SPDXID"`
	DocumentNamespace string `json:"documentNamespace"`
	CreationInfo      struct {
		Created  string   `json:"created"`
		Creators []string `json:"creators"`
	} `json:"creationInfo"`
	Packages []struct {
		SPDXID      string           `json:"SPDXID"`
		Annotations []spdxAnnotation `json:"annotations"`
	} `json:"packages"`
	Files []struct {
		SPDXID      string           `json:"SPDXID"`
		Annotations []spdxAnnotation `json:"annotations"`
	} `json:"files"`
}

type spdxAnnotation struct {
	Annotator string `json:"annotator"`
	Date      string `json:"annotationDate"`
	Type      string `json:"annotationType"`
	Comment   string `json:"comment"`
}

// SPDX parses a rendered document back with tools-golang's JSON
// reader, runs its validator (spdxlib.ValidateDocument: every relationship
// names an element of the document) and checks the SPDX 2.3 rules the
// library does not: ID syntax and uniqueness, mandatory fields, checksums,
// annotation form. With VOUCH_SPDX_SCHEMA naming the official SPDX 2.3
// JSON schema, it validates against that too.
func SPDX(t testing.TB, b []byte) *spdx.Document {
	t.Helper()
	doc, err := spdxjson.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("tools-golang cannot read it: %v", err)
	}
	if err := spdxlib.ValidateDocument(doc); err != nil {
		t.Errorf("spdxlib.ValidateDocument: %v", err)
	}
	if doc.SPDXVersion != "SPDX-2.3" || doc.DataLicense != "CC0-1.0" || doc.DocumentName == "" {
		t.Errorf("version %q, data licence %q, name %q", doc.SPDXVersion, doc.DataLicense, doc.DocumentName)
	}
	if len(doc.Packages) == 0 {
		t.Fatal("no packages")
	}
	var raw spdxRaw
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.SPDXID != "SPDXRef-DOCUMENT" {
		t.Errorf("document SPDXID %q", raw.SPDXID)
	}
	if !strings.HasPrefix(raw.DocumentNamespace, "urn:uuid:") || !serialRE.MatchString(raw.DocumentNamespace) || strings.Contains(raw.DocumentNamespace, "#") {
		t.Errorf("documentNamespace %q", raw.DocumentNamespace)
	}
	if !spdxDateRE.MatchString(raw.CreationInfo.Created) {
		t.Errorf("created %q", raw.CreationInfo.Created)
	}
	if len(raw.CreationInfo.Creators) == 0 || !strings.HasPrefix(raw.CreationInfo.Creators[0], "Tool: vouch-") {
		t.Errorf("creators %q", raw.CreationInfo.Creators)
	}
	ids := map[string]bool{}
	checkID := func(id string, anns []spdxAnnotation) {
		if !spdxIDRE.MatchString(id) {
			t.Errorf("SPDXID %q is not SPDXRef-[A-Za-z0-9.-]+", id)
		}
		if ids[id] {
			t.Errorf("SPDXID %q used twice", id)
		}
		ids[id] = true
		for _, a := range anns {
			if !strings.HasPrefix(a.Annotator, "Tool: vouch-") || a.Type != "REVIEW" || !spdxDateRE.MatchString(a.Date) || a.Comment == "" {
				t.Errorf("annotation on %s: %+v", id, a)
			}
		}
	}
	for _, p := range raw.Packages {
		checkID(p.SPDXID, p.Annotations)
	}
	for _, f := range raw.Files {
		checkID(f.SPDXID, f.Annotations)
	}
	for _, p := range doc.Packages {
		if p.PackageName == "" || p.PackageDownloadLocation == "" {
			t.Errorf("package %s: name %q, downloadLocation %q", p.PackageSPDXIdentifier, p.PackageName, p.PackageDownloadLocation)
		}
		if !p.FilesAnalyzed && p.PackageVerificationCode != nil {
			t.Errorf("package %s has a verification code without files analysed", p.PackageSPDXIdentifier)
		}
	}
	for _, f := range doc.Files {
		if !strings.HasPrefix(f.FileName, "./") {
			t.Errorf("file name %q", f.FileName)
		}
		if len(f.Checksums) == 0 || f.Checksums[0].Algorithm != "SHA256" || !sha256RE.MatchString(f.Checksums[0].Value) {
			t.Errorf("file %q checksums %v", f.FileName, f.Checksums)
		}
	}
	describes := 0
	for _, r := range doc.Relationships {
		if r.Relationship == "DESCRIBES" && r.RefA.ElementRefID == "DOCUMENT" {
			describes++
		}
	}
	if describes != 1 {
		t.Errorf("%d DESCRIBES relationships, want 1", describes)
	}
	if p := os.Getenv("VOUCH_SPDX_SCHEMA"); p != "" {
		validateSPDXSchema(t, p, b)
	}
	return doc
}

func validateSPDXSchema(t testing.TB, schemaPath string, b []byte) {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("spdx-2.3.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("spdx-2.3.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("SPDX 2.3 schema: %v", err)
	}
}
