package model

// Capability is something a file can do, from a rule match (analyze/capability).
type Capability struct {
	ID          string   `json:"id"`        // "<namespace>/<rule>", e.g. "net/winhttp-client"
	Namespace   string   `json:"namespace"` // net, exec, mem, fs, credential, crypto, persist, …
	Rule        string   `json:"rule"`
	Risk        Severity `json:"risk"`
	Description string   `json:"description"`
	Source      string   `json:"source,omitempty"`   // "vouch" for first-party rules, else the user rule file
	Evidence    []string `json:"evidence,omitempty"` // matched strings, truncated, sorted, at most a few
}

// Endpoint is a URL, host name or IP address found in a file (analyze/endpoints).
type Endpoint struct {
	Value    string   `json:"value"`
	Type     string   `json:"type"`               // "url", "domain", "ip"
	Classes  []string `json:"classes,omitempty"`  // "raw-ip", "raw-content-host", "webhook-host", "paste-host", "cheap-tld", "lookalike:<vendor>"
	Encoding string   `json:"encoding,omitempty"` // "" plain, "utf16", "xor:0x5a", "base64"
	Offset   int64    `json:"offset"`
}

// PackageFacts are an ecosystem package's metadata (analyze/pkgmeta).
type PackageFacts struct {
	Ecosystem    string            `json:"ecosystem"` // "npm", "pypi", "deb", "rpm"
	Name         string            `json:"name,omitempty"`
	Version      string            `json:"version,omitempty"`
	InstallHooks map[string]string `json:"install_hooks,omitempty"` // hook name → command or script
	Dependencies map[string]string `json:"dependencies,omitempty"`  // name → version range
	Extra        map[string]string `json:"extra,omitempty"`         // ecosystem-specific facts
}
