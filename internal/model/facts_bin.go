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
	EntryPoint   uint64            `json:"entry_point"`
	Sections     []Section         `json:"sections,omitempty"`
	Imports      []Import          `json:"imports,omitempty"` // sorted by DLL
	Exports      []string          `json:"exports,omitempty"` // sorted
	TLSCallbacks []uint64          `json:"tls_callbacks,omitempty"`
	Resources    map[string]int    `json:"resources,omitempty"` // resource type → count
	VersionInfo  map[string]string `json:"version_info,omitempty"`
	Overlay      *Region           `json:"overlay,omitempty"` // data after the image (and after the certificate table when that is last)
	DotNet       bool              `json:"dotnet,omitempty"`
	Checksum     *Checksum         `json:"checksum,omitempty"`
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
type ELFFacts struct {
	Class       string    `json:"class"` // "elf32" or "elf64"
	Machine     string    `json:"machine"`
	Type        string    `json:"type"` // "exec", "dyn", "rel", "core"
	Interpreter string    `json:"interpreter,omitempty"`
	Needed      []string  `json:"needed,omitempty"`
	Soname      string    `json:"soname,omitempty"`
	Imports     []string  `json:"imports,omitempty"` // undefined dynamic symbols, sorted
	Exports     []string  `json:"exports,omitempty"` // defined dynamic symbols, sorted
	Sections    []Section `json:"sections,omitempty"`
	InitArray   int       `json:"init_array,omitempty"` // entries of .init_array (+ .ctors)
	IFuncs      []string  `json:"ifuncs,omitempty"`     // STT_GNU_IFUNC symbols
	BuildID     string    `json:"build_id,omitempty"`
	Go          *GoBuild  `json:"go,omitempty"`
}

// GoBuild is the build information a Go binary embeds.
type GoBuild struct {
	Version  string            `json:"version"`
	Path     string            `json:"path,omitempty"`
	Module   string            `json:"module,omitempty"`
	Deps     []string          `json:"deps,omitempty"` // "module@version"
	Settings map[string]string `json:"settings,omitempty"`
}

// MachOFacts are facts about a Mach-O file or each slice of a fat file
// (analyze/macho).
type MachOFacts struct {
	Slices []MachOSlice `json:"slices"`
}

// MachOSlice is one architecture of a Mach-O file.
type MachOSlice struct {
	CPU          string         `json:"cpu"`
	Offset       int64          `json:"offset"` // of the slice in a fat file
	Size         int64          `json:"size"`
	Type         string         `json:"type"` // "execute", "dylib", "bundle", …
	LoadCommands int            `json:"load_commands"`
	Dylibs       []string       `json:"dylibs,omitempty"`
	Imports      []string       `json:"imports,omitempty"`
	InitFuncs    int            `json:"init_funcs"` // __mod_init_func pointers + __init_offsets entries
	Sections     []Section      `json:"sections,omitempty"`
	CodeSign     *MachOCodeSign `json:"code_signature,omitempty"`
}

// MachOCodeSign is a slice's code signature.
type MachOCodeSign struct {
	AdHoc         bool   `json:"ad_hoc"`
	TeamID        string `json:"team_id,omitempty"`
	Identifier    string `json:"identifier,omitempty"`
	Signer        string `json:"signer,omitempty"` // leaf certificate subject when CMS-signed
	HashType      string `json:"hash_type"`
	Pages         int    `json:"pages"`
	BadPages      int    `json:"bad_pages"`      // page hashes that do not match the file
	TrailingBytes int64  `json:"trailing_bytes"` // data after the signature blob, inside the slice
	Error         string `json:"error,omitempty"`
}
