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

// IOCMatch is an indicator of a user's --ioc list found in or about a file
// (analyze/capability).
type IOCMatch struct {
	List      string `json:"list"` // base name of the list file
	Indicator string `json:"indicator"`
	Type      string `json:"type"`  // "sha256", "sha1", "md5", "domain", "url", "ip"
	Where     string `json:"where"` // "file-hash", "bytes", "endpoint"
	// Offset is where the indicator is in the file (bytes, endpoint).
	Offset int64 `json:"offset,omitempty"`
	// Encoding of an endpoint match: "", "utf16", "xor:0x5a", "base64".
	Encoding string `json:"encoding,omitempty"`
}

// Endpoint is a URL, host name or IP address found in a file (analyze/endpoints).
type Endpoint struct {
	Value    string   `json:"value"`
	Type     string   `json:"type"`               // "url", "domain", "ip"
	Classes  []string `json:"classes,omitempty"`  // "raw-ip", "raw-content-host", "webhook-host", "paste-host", "cheap-tld", "lookalike:<vendor>"
	Encoding string   `json:"encoding,omitempty"` // "" plain, "utf16", "xor:0x5a", "base64"
	Offset   int64    `json:"offset"`
}

// PackageFacts are an ecosystem package's metadata (analyze/pkgmeta, whose
// package doc lists the hook names and Extra keys of each ecosystem).
type PackageFacts struct {
	Ecosystem string `json:"ecosystem"` // "npm", "pypi", "deb", "rpm", "go"
	Name      string `json:"name,omitempty"`
	Version   string `json:"version,omitempty"`
	// InstallHooks: hook name → command or script ("postinstall" → "node
	// install.js", "cmdclass:install" → class, "pth:import" → the lines;
	// deb/rpm scripts → "present", their code is a member file).
	InstallHooks map[string]string `json:"install_hooks,omitempty"`
	Dependencies map[string]string `json:"dependencies,omitempty"` // name → version range ("" for any)
	Extra        map[string]string `json:"extra,omitempty"`        // ecosystem-specific facts
}
