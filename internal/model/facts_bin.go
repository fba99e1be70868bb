package model

// Facts of native executables. Each analyzer owns its type and may add
// fields; renaming one breaks contract v1.

// Section is a section (or segment) of an executable.
type Section struct {
	Name        string  `json:"name"`
	Offset      int64   `json:"offset"`
	Size        int64   `json:"size"` // bytes in the file
	VirtualSize int64   `json:"virtual_size,omitempty"`
	Flags       string  `json:"flags,omitempty"` // "rwx" subset
	Entropy     float64 `json:"entropy"`
}

// Region is a byte range of a file with its entropy.
type Region struct {
	Offset  int64   `json:"offset"`
	Size    int64   `json:"size"`
	Entropy float64 `json:"entropy"`
}

// PEFacts are facts about a PE/COFF file (analyze/pe).
type PEFacts struct {
	Machine      string            `json:"machine"`   // "amd64", "i386", "arm64", …
	Format       string            `json:"format"`    // "pe32" or "pe32+"
	Type         string            `json:"type"`      // "exe", "dll", "efi", "driver"
	Subsystem    string            `json:"subsystem"` // "windows-gui", "windows-cui", "efi-application", …
	Timestamp    int64             `json:"timestamp"` // COFF TimeDateStamp, seconds since 1970
	ImageBase    uint64            `json:"image_base"`
	EntryPoint   uint64            `json:"entry_point"` // RVA; 0 when there is none
	Sections     []Section         `json:"sections,omitempty"`
	Imports      []Import          `json:"imports,omitempty"`       // sorted by DLL, then Delayed
	Exports      []string          `json:"exports,omitempty"`       // sorted; unnamed ones as "#N"
	TLSCallbacks []uint64          `json:"tls_callbacks,omitempty"` // RVAs, in array order
	Resources    map[string]int    `json:"resources,omitempty"`     // resource type ("RT_ICON", "#N" for other IDs, or its name) → count
	VersionInfo  map[string]string `json:"version_info,omitempty"`  // VERSIONINFO strings: CompanyName, FileVersion, …
	// Overlay is the data after the image that nothing accounts for: after
	// the last section (and the COFF symbol table), and after the
	// certificate table when that comes after the image. Appended payloads
	// live here; signatures do not cover it.
	Overlay *Region `json:"overlay,omitempty"`
	// SignedOverlay is data between the end of the image and a certificate
	// table that follows it: covered by the signature (installer payloads
	// of signed NSIS/Inno setups live here).
	SignedOverlay *Region `json:"signed_overlay,omitempty"`
	// Symbols is the COFF symbol and string table when it follows the
	// sections (unstripped MinGW/Go builds); it is not counted as overlay.
	Symbols  *Region   `json:"coff_symbols,omitempty"`
	DotNet   bool      `json:"dotnet,omitempty"`
	Checksum *Checksum `json:"checksum,omitempty"`
}

// Import lists the functions imported from one DLL (ordinals as "#N").
type Import struct {
	DLL       string   `json:"dll"`
	Functions []string `json:"functions,omitempty"`
	Delayed   bool     `json:"delayed,omitempty"`
}

// Checksum is the PE optional-header checksum, stored and recomputed.
type Checksum struct {
	Stored   uint32 `json:"stored"`
	Computed uint32 `json:"computed"`
}

// ELFFacts are facts about an ELF file (analyze/elf).
//
// Where the section headers and the program headers disagree, the dynamic
// facts (Needed, Soname, RPath, Imports, Exports) follow what the loader
// uses: PT_DYNAMIC and the tables it points at.
type ELFFacts struct {
	Class       string   `json:"class"` // "elf32" or "elf64"
	Machine     string   `json:"machine"`
	Type        string   `json:"type"` // "exec", "dyn", "rel", "core"
	EntryPoint  uint64   `json:"entry_point,omitempty"`
	PIE         bool     `json:"pie,omitempty"`    // position-independent executable (type "dyn")
	Static      bool     `json:"static,omitempty"` // executable without interpreter or DT_NEEDED
	Interpreter string   `json:"interpreter,omitempty"`
	Needed      []string `json:"needed,omitempty"` // DT_NEEDED, in order
	Soname      string   `json:"soname,omitempty"`
	RPath       []string `json:"rpath,omitempty"`   // DT_RPATH then DT_RUNPATH entries, in order
	Imports     []string `json:"imports,omitempty"` // undefined dynamic symbols, sorted, without versions
	Exports     []string `json:"exports,omitempty"` // defined global/weak dynamic symbols, sorted, without versions
	// Segments are the program headers: Name is the p_type ("LOAD",
	// "GNU_STACK", …), Flags the p_flags (r, w, x as mapped), Size the
	// bytes in the file and VirtualSize the bytes in memory. Entropy is
	// computed for LOAD segments only.
	Segments []Section `json:"segments,omitempty"`
	// Sections: Flags "r" means SHF_ALLOC (in memory), "w" SHF_WRITE,
	// "x" SHF_EXECINSTR. Size is 0 and VirtualSize the size for NOBITS.
	Sections []Section `json:"sections,omitempty"`
	// InitArray counts start-up entries: .preinit_array + .init_array (or
	// DT_PREINIT_ARRAYSZ/DT_INIT_ARRAYSZ when the dynamic section has
	// them) + .ctors entries other than the -1/0 sentinels.
	InitArray int      `json:"init_array,omitempty"`
	IFuncs    []string `json:"ifuncs,omitempty"` // defined STT_GNU_IFUNC symbols of .dynsym and .symtab, sorted
	BuildID   string   `json:"build_id,omitempty"`
	Go        *GoBuild `json:"go,omitempty"`
	// Anomalies are header inconsistencies a linker does not produce, in
	// the order found (e.g. section headers past the end of the file).
	Anomalies []string `json:"anomalies,omitempty"`
	// Truncated names the lists cut at a limit ("sections", "imports",
	// "exports", "ifuncs", "symbols", "entropy", …), sorted.
	Truncated []string `json:"truncated,omitempty"`
}

// GoBuild is the build information a Go binary embeds. It is set for a
// binary recognised as Go (build info blob, .gopclntab or .go.* sections,
// Go build ID note) even when the build info blob was stripped; Version is
// then empty.
type GoBuild struct {
	Version  string            `json:"version"`          // toolchain, "go1.22.1"
	Path     string            `json:"path,omitempty"`   // main package path
	Module   string            `json:"module,omitempty"` // main module "path@version"
	Deps     []string          `json:"deps,omitempty"`   // "module@version", or "module@version => replacement@version", sorted
	Settings map[string]string `json:"settings,omitempty"`
	BuildID  string            `json:"build_id,omitempty"` // Go build ID note
}

// MachOFacts are facts about a Mach-O file or each slice of a fat file
// (analyze/macho).
type MachOFacts struct {
	Fat    bool         `json:"fat,omitempty"`
	Slices []MachOSlice `json:"slices"`
	// Overlay is data after the end of the last slice of a fat file: no
	// slice, and so no code signature, covers it.
	Overlay *Region `json:"overlay,omitempty"`
}

// MachOSlice is one architecture of a Mach-O file. Offsets inside a slice
// (sections, signature) are relative to the slice, as Mach-O records them.
type MachOSlice struct {
	CPU          string         `json:"cpu"`    // "x86_64", "arm64", "arm64e", "i386", …
	Offset       int64          `json:"offset"` // of the slice in a fat file
	Size         int64          `json:"size"`
	Type         string         `json:"type"` // "execute", "dylib", "bundle", …
	UUID         string         `json:"uuid,omitempty"`
	LoadCommands int            `json:"load_commands"`
	Dylibs       []string       `json:"dylibs,omitempty"`  // LC_LOAD_DYLIB and friends, in load order
	Imports      []string       `json:"imports,omitempty"` // undefined symbols, sorted
	InitFuncs    int            `json:"init_funcs"`        // __mod_init_func pointers + __init_offsets entries + LC_ROUTINES
	Sections     []Section      `json:"sections,omitempty"`
	CodeSign     *MachOCodeSign `json:"code_signature,omitempty"`
	Error        string         `json:"error,omitempty"` // parsing stopped early; the facts above are partial
}

// MachOCodeSign is a slice's code signature (LC_CODE_SIGNATURE).
type MachOCodeSign struct {
	Offset          int64    `json:"offset"` // LC_CODE_SIGNATURE dataoff, in the slice
	Size            int64    `json:"size"`   // LC_CODE_SIGNATURE datasize
	AdHoc           bool     `json:"ad_hoc"`
	Flags           []string `json:"flags,omitempty"` // CodeDirectory flags: "adhoc", "runtime", "linker-signed", …
	TeamID          string   `json:"team_id,omitempty"`
	Identifier      string   `json:"identifier,omitempty"`
	Signer          string   `json:"signer,omitempty"`    // leaf certificate subject (common name) when CMS-signed
	CMSValid        *bool    `json:"cms_valid,omitempty"` // the CMS signature verifies over the CodeDirectory (chain not checked)
	CodeDirectories int      `json:"code_directories"`    // all are verified
	HashType        string   `json:"hash_type"`           // of the primary CodeDirectory
	PageSize        int      `json:"page_size"`
	CodeLimit       int64    `json:"code_limit"`
	Pages           int      `json:"pages"`
	BadPages        int      `json:"bad_pages"`                   // page hashes that do not match the file (worst CodeDirectory)
	BadSpecialSlots int      `json:"bad_special_slots,omitempty"` // requirements/entitlements blobs whose hash does not match
	TrailingBytes   int64    `json:"trailing_bytes"`              // data after the signature blob, inside the slice
	TrailingEntropy float64  `json:"trailing_entropy,omitempty"`
	UnhashedBytes   int64    `json:"unhashed_bytes,omitempty"` // between the code limit and the signature: covered by no hash
	Error           string   `json:"error,omitempty"`          // the signature could not be fully checked
}
