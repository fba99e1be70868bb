package report

import (
	"sort"
	"strings"
)

// help is one finding id's explanation: Short is one sentence for a list or
// a rule title; Long is Markdown that says what the finding means, why it
// matters and what to do about it.
type help struct{ short, long string }

// Help returns the explanation of a finding id: a one-sentence summary and a
// Markdown text saying what the finding means and what to do. Every
// renderer that explains findings (SARIF rules, Markdown, HTML) reads this
// one table, so an id is explained the same way everywhere. An id vouch
// does not know (a newer detector, a user's rule family) gets a generic
// text that still tells the reader where to look.
func Help(id string) (short, long string) {
	if h, ok := helpTable[id]; ok {
		return h.short, h.long
	}
	family := id
	if i := strings.IndexByte(id, '.'); i > 0 {
		family = id[:i]
	}
	return "vouch finding " + id,
		"**What it means.** vouch reported `" + id + "` (family `" + family + "`). " +
			"This version has no description for it; the finding's title and evidence say what was seen.\n\n" +
			"**What to do.** Read the evidence, compare the file with the previous release and with the " +
			"vendor's published build, and suppress the finding in a baseline with a reason only once you " +
			"know why it is there."
}

// HelpIDs lists the finding ids Help has a specific text for, sorted.
func HelpIDs() []string {
	ids := make([]string, 0, len(helpTable))
	for id := range helpTable {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// whatToDoRelease is the usual last step for a finding that may mean the
// release was tampered with.
const whatToDoRelease = " Do not publish or install the release until the " +
	"build owner has explained it; rebuild from a clean, tagged source on a trusted builder " +
	"and compare."

var helpTable = map[string]help{
	// ---- single-file and release findings -------------------------------

	"pe.cert-table-payload": {
		"Data is hidden inside a PE file's Authenticode certificate table, where the signature does not cover it.",
		"**What it means.** The certificate table of this Windows executable holds bytes beyond the " +
			"PKCS#7 signature (plus alignment padding), non-zero padding, or a directory size that " +
			"disagrees with its entries. Authenticode does not hash the certificate table, so the file " +
			"still shows as validly signed (CVE-2013-3900); Windows rejects it only with " +
			"`EnableCertPaddingCheck=1`.\n\n" +
			"**Why it matters.** This is how the trojanized 3CX installer (2023) hid an encrypted payload " +
			"inside a genuine, Microsoft-signed `d3dcompiler_47.dll`; a loader elsewhere in the release " +
			"read it back. High-entropy bytes or a marker such as `FE ED FA CE` make it critical.\n\n" +
			"**What to do.** Compare the file with the vendor's original (same version from the vendor's " +
			"own distribution): a genuine file has nothing after its signature. Look for the code that " +
			"reads this file." + whatToDoRelease,
	},
	"pe.overlay-after-signature": {
		"Data was appended to a signed PE file after its signature, outside what the signature covers.",
		"**What it means.** Bytes follow the certificate table at the end of this signed Windows " +
			"executable. The signature does not cover them, so they can be changed or added without " +
			"breaking it.\n\n" +
			"**Why it matters.** Appending after signing is a way to smuggle configuration or a payload " +
			"into a trusted file. Some installers legitimately stamp data there (download tokens), but " +
			"an executable header or a large high-entropy blob is a strong sign of tampering.\n\n" +
			"**What to do.** Check whether the vendor's build process writes data after signing; if " +
			"not, treat the file as modified after release." + whatToDoRelease,
	},
	"pe.checksum-mismatch": {
		"The PE checksum in the header does not match the file: bytes changed after the linker or signer computed it.",
		"**What it means.** The optional-header checksum is set but the file's bytes no longer add up " +
			"to it. vouch reports this only for signed files, drivers and EFI images, where the value " +
			"is meaningful.\n\n" +
			"**Why it matters.** The checksum lies outside the signed digest: a stale one in a signed " +
			"file means bytes moved after signing. Resource editors that stamp version information " +
			"after linking are a benign cause.\n\n" +
			"**What to do.** Look at the other findings for this file (appended data, a certificate " +
			"table payload). On its own, ask whether a post-link step edits the file.",
	},
	"pe.rwx-section": {
		"A PE section is both writable and executable.",
		"**What it means.** A section of this Windows executable is mapped writable and executable at " +
			"once. Compilers do not produce this; packers (UPX and the like), self-modifying loaders and " +
			"hand-built droppers do.\n\n" +
			"**Why it matters.** It weakens W^X protection and often marks packed or unpacking code, " +
			"which hides what the file really does from inspection.\n\n" +
			"**What to do.** Check whether the component is packed on purpose and whether earlier " +
			"releases were; a newly packed or self-modifying component in an update needs an " +
			"explanation.",
	},
	"sig.invalid": {
		"A signature does not match its file: the file was modified after signing.",
		"**What it means.** The Authenticode digest of this PE, MSI or CAB, or the signer's signature " +
			"over it, does not verify. Something changed the signed bytes after the signature was " +
			"made.\n\n" +
			"**Why it matters.** A broken signature on a shipped file means tampering or corruption " +
			"between signing and release; Windows will refuse or warn about it.\n\n" +
			"**What to do.** Compare the file with the artifact the signing step produced." +
			whatToDoRelease,
	},
	"sig.untrusted": {
		"A signature verifies, but its certificate chain could not be validated to a trusted root.",
		"**What it means.** The digest and signature are intact, but the chain does not validate: the " +
			"root is not configured (Microsoft's and many vendor roots are not in common CA bundles), " +
			"the chain uses SHA-1/MD5, the certificate expired without a timestamp, may not sign code, " +
			"or names a trusted root that did not sign it (a look-alike).\n\n" +
			"**Why it matters.** Low when vouch merely cannot vouch for the root; medium when the chain " +
			"itself is wrong, because look-alike roots are how forged signatures pass a casual look.\n\n" +
			"**What to do.** Pass your expected roots with `--trust-root`. If the finding stays, check " +
			"the signer and issuer in the evidence against the vendor's known certificate.",
	},
	"sig.unchecked": {
		"A signature is present but could not be checked.",
		"**What it means.** vouch found a signature but could not verify it: malformed DER, an " +
			"unsupported algorithm or structure. This is not the same as an invalid signature.\n\n" +
			"**Why it matters.** An unverifiable signature gives no assurance; a malformed one in a " +
			"release that used to verify is suspicious.\n\n" +
			"**What to do.** Verify the file with the platform's own tool and compare with the previous " +
			"release.",
	},
	"sig.signature-payload": {
		"Data is hidden in or after the signature of an MSI or CAB, where the signature does not cover it.",
		"**What it means.** The MSI `DigitalSignature` stream or the CAB signature area holds bytes after " +
			"the PKCS#7 blob, or data follows the CAB's signature. The signature stays valid. It is the " +
			"installer form of the PE certificate-table trick (CVE-2013-3900).\n\n" +
			"**Why it matters.** Hidden bytes in a signed installer are a classic way to ship a payload " +
			"under a valid signature; high entropy or an executable marker makes it critical.\n\n" +
			"**What to do.** Compare with the installer the signing step produced." + whatToDoRelease,
	},
	"sig.unsigned-module-in-signed-package": {
		"An unsigned DLL sits beside a signed program that loads it.",
		"**What it means.** A signed EXE imports (or delay-loads) this DLL from its own directory, and " +
			"the DLL is not signed. Whoever replaces or modifies the DLL runs code inside the signed " +
			"program.\n\n" +
			"**Why it matters.** The trojanized 3CX desktop app (2023) shipped exactly this: a signed " +
			"`3CXDesktopApp.exe` loading a modified, unsigned `ffmpeg.dll`. Many applications (Electron " +
			"apps among them) ship unsigned DLLs legitimately, hence low on its own.\n\n" +
			"**What to do.** Sign every module you ship. In a diff, a changed unsigned module next to a " +
			"signed loader deserves a close look at what changed in it.",
	},
	"elf.rwx-segment": {
		"An ELF LOAD segment is both writable and executable.",
		"**What it means.** The program headers map a segment writable and executable at once. Linkers " +
			"do not produce this unless asked (binutils warns); packers, self-modifying loaders and " +
			"hand-made droppers do.\n\n" +
			"**Why it matters.** It defeats W^X for that memory and often marks packed code.\n\n" +
			"**What to do.** Check the build flags and whether earlier releases had it; a new RWX segment " +
			"in an update needs an explanation.",
	},
	"elf.exec-stack": {
		"An ELF file asks for an executable stack.",
		"**What it means.** `PT_GNU_STACK` is missing its non-executable flag or requests execute " +
			"permission, which turns off the non-executable stack for the whole process that loads the " +
			"file.\n\n" +
			"**Why it matters.** It weakens exploit mitigations for every program that links the " +
			"library. Old assembly objects without a `.note.GNU-stack` section cause it by accident.\n\n" +
			"**What to do.** Rebuild with `-z noexecstack` or mark the assembly sources; investigate if " +
			"the previous release did not have it.",
	},
	"elf.ifunc": {
		"A library outside the C and compiler runtimes exports IFUNC-resolved functions.",
		"**What it means.** Some exported functions are chosen at load time by IFUNC resolvers. " +
			"Resolvers run inside the dynamic loader before `main` and before RELRO is applied.\n\n" +
			"**Why it matters.** The xz-utils backdoor (liblzma 5.6.0/5.6.1, 2024) hooked `sshd` through " +
			"the IFUNC resolvers of `lzma_crc32`/`lzma_crc64`. Many libraries use IFUNC legitimately " +
			"for CPU dispatch, hence low; a new IFUNC in an update is the stronger signal.\n\n" +
			"**What to do.** Check that the IFUNC symbols are expected for this library and present in " +
			"earlier releases and in the upstream source.",
	},
	"macho.codesign-broken": {
		"A Mach-O code signature no longer matches the code it covers.",
		"**What it means.** Page hashes in the CodeDirectory, the hashes of the requirements or " +
			"entitlements blobs, or the CMS signature over the CodeDirectory do not verify: the code " +
			"changed after signing.\n\n" +
			"**Why it matters.** macOS refuses to run a binary whose signature is broken once it is " +
			"quarantined or hardened; a broken signature in a release means the file was modified " +
			"after the signing step.\n\n" +
			"**What to do.** Compare with the signed artifact the build produced; verify with " +
			"`codesign --verify --strict`." + whatToDoRelease,
	},
	"macho.data-after-signature": {
		"A Mach-O file carries data outside its code signature.",
		"**What it means.** Bytes follow the code signature inside a slice, lie between the code " +
			"limit and the signature, or follow the last slice of a universal binary. No hash covers " +
			"them.\n\n" +
			"**Why it matters.** Data outside the signature can be changed without breaking it, which " +
			"makes it a place to hide configuration or a payload in a signed binary.\n\n" +
			"**What to do.** Check whether a post-signing step writes there; otherwise treat the file " +
			"as modified after signing.",
	},
	"bin.arch-asymmetry": {
		"The architectures of one binary disagree about what runs at load time or what the code can reach.",
		"**What it means.** In a universal (fat) binary, or across the builds of one component for " +
			"different CPUs, one architecture has initialisers, capabilities or libraries the others " +
			"do not.\n\n" +
			"**Why it matters.** The 3CX macOS `libffmpeg.dylib` (2023) gained a constructor and " +
			"network code in its x86_64 slice only. Builds of one source for two CPUs should do the " +
			"same things.\n\n" +
			"**What to do.** Diff the slices' initialisers, imports and libraries (the evidence lists " +
			"them); every difference needs a reason in the source.",
	},
	"image.trailing-data": {
		"An image carries data after its logical end (or hidden between icon entries).",
		"**What it means.** Bytes follow the image's end marker (PNG `IEND`, JPEG `EOI`, the GIF " +
			"trailer, the furthest ICO entry), sit inside an icon entry after its picture, or fill a " +
			"gap no structure points to. Image viewers ignore them.\n\n" +
			"**Why it matters.** The 3CX stage-2 loader (2023) read its command-and-control address " +
			"from `.ico` files ending in `$` and base64. Base64, executables, archives and high-entropy " +
			"data there are high; zero padding and a little whitespace are common leftovers.\n\n" +
			"**What to do.** Look at the preview in the evidence and search the release for code that " +
			"opens this image and seeks past its end.",
	},
	"file.disguised-executable": {
		"A native executable is named like an image, text or data file.",
		"**What it means.** The file's content is PE, ELF or Mach-O code, but its extension claims it " +
			"is inert (`.png`, `.txt`, `.json`, …).\n\n" +
			"**Why it matters.** Droppers hide their next stage this way (MITRE ATT&CK T1036.008), and " +
			"release tooling that trusts extensions ships them without a second look.\n\n" +
			"**What to do.** Find what loads or executes this file; a legitimate build has no reason to " +
			"rename an executable.",
	},
	"pkg.install-hook": {
		"A package runs its own code when it is installed.",
		"**What it means.** The package metadata declares an install hook: an npm `preinstall`/" +
			"`install`/`postinstall` script, a `setup.py` cmdclass override, an in-tree build backend " +
			"or `.pth` import lines.\n\n" +
			"**Why it matters.** Install hooks run with the installing user's rights on every machine " +
			"and CI runner that installs the package. Many packages need one (native addons, esbuild), " +
			"hence low; hijacked packages add one to steal tokens.\n\n" +
			"**What to do.** Read the hook's command and the file it runs. Install with " +
			"`--ignore-scripts` where you can.",
	},
	"ioc.match": {
		"A file matches an indicator of compromise from your --ioc list.",
		"**What it means.** A hash, domain, URL or IP address from a list you passed with `--ioc` was " +
			"found: as the file's hash, in its bytes or among its endpoints.\n\n" +
			"**Why it matters.** Indicators describe known-bad artifacts or infrastructure; a hit is " +
			"strong evidence when the list is current and specific.\n\n" +
			"**What to do.** Confirm the match in the evidence (where it was found and how it was " +
			"encoded) and follow your incident process." + whatToDoRelease,
	},
	"rule.match": {
		"A file matches a YARA rule you supplied with --rules.",
		"**What it means.** One of your own rules matched this file; its severity comes from the " +
			"rule's metadata (medium by default).\n\n" +
			"**Why it matters.** As much as the rule's author says it does: the rule name and " +
			"description are in the evidence.\n\n" +
			"**What to do.** Follow the guidance of the team that owns the rule.",
	},
	"unpack.limit": {
		"vouch stopped unpacking a container at a safety limit; part of the release was not analysed.",
		"**What it means.** A limit on nesting depth, expanded bytes, expansion ratio, member count or " +
			"time was reached. Whatever lies beyond it was not looked at.\n\n" +
			"**Why it matters.** Decompression bombs and deeply nested archives are built to exhaust " +
			"scanners; a release that needs more than the limits is unusual, and its unanalysed part " +
			"could hide anything.\n\n" +
			"**What to do.** Check which limit was hit (evidence). If the release is legitimately large, " +
			"raise the limit for this run and rescan.",
	},
	"unpack.duplicate-name": {
		"A container holds two members with the same name.",
		"**What it means.** The archive lists the same path more than once. Extractors disagree on " +
			"which copy wins: some keep the first, others the last.\n\n" +
			"**Why it matters.** Duplicate names let an attacker show one file to a reviewer or scanner " +
			"and install another.\n\n" +
			"**What to do.** Compare the copies (vouch analyses each); a build tool does not normally " +
			"produce duplicates.",
	},
	"unpack.path-traversal": {
		"An archive member's name climbs out of the extraction directory.",
		"**What it means.** The stored name contains `..` segments that lead outside the directory the " +
			"archive is extracted into (\"zip slip\").\n\n" +
			"**Why it matters.** Extracting it with a careless tool overwrites files elsewhere on the " +
			"machine: shell start-up files, binaries, CI configuration.\n\n" +
			"**What to do.** Do not extract the archive with general tools. A legitimate release never " +
			"needs such a name." + whatToDoRelease,
	},
	"unpack.absolute-path": {
		"An archive member has an absolute path.",
		"**What it means.** The stored name starts at the file-system root (or a drive letter), so " +
			"extracting it may write anywhere on the machine.\n\n" +
			"**Why it matters.** Like path traversal, it lets an archive overwrite files outside the " +
			"target directory with tools that honour absolute names.\n\n" +
			"**What to do.** Rebuild the archive with relative names; treat a release that has them with " +
			"suspicion.",
	},
	"unpack.bad-name": {
		"An archive member's name holds bytes that tools interpret differently (such as NUL).",
		"**What it means.** The stored name contains a NUL byte or similar, so different tools will " +
			"extract the member under different names.\n\n" +
			"**Why it matters.** Name confusion lets an archive show one file to a reviewer and write " +
			"another.\n\n" +
			"**What to do.** Rebuild the archive with plain names.",
	},

	// ---- diff findings: what is new since the previous release ----------

	"bin.capability-gain": {
		"A component gained a capability it did not have in the previous release.",
		"**What it means.** Compared with the previous release, this binary or script can now do " +
			"something new: open network connections, start processes, make memory executable, read " +
			"sibling files, touch credential stores or use cryptography. The evidence lists the new " +
			"capabilities and the imports or strings behind them.\n\n" +
			"**Why it matters.** The 3CX `ffmpeg.dll` (2023) gained file reading and RWX memory; " +
			"SUNBURST and CCleaner were similar. A codec or a UI library gaining networking is " +
			"alarming; a network library gaining a URL is not, and the severity reflects the " +
			"component's role.\n\n" +
			"**What to do.** Find the source change that added the capability. If nobody can point to " +
			"it, the binary was not built from the source you think." + whatToDoRelease,
	},
	"bin.new-library": {
		"A binary loads a library it did not load in the previous release.",
		"**What it means.** A new DLL import (or delay-load), ELF `DT_NEEDED` entry or Mach-O dylib " +
			"appears compared with the previous release.\n\n" +
			"**Why it matters.** A new library brings new capabilities: `ws2_32.dll`, `winhttp.dll` or " +
			"`libcurl` in a component that never networked is the classic sign of implanted code.\n\n" +
			"**What to do.** Match the new dependency to a source or build-configuration change.",
	},
	"bin.new-init-entry": {
		"A binary gained code that runs at load time, before the program's own main code.",
		"**What it means.** New TLS callbacks or a changed entry point (PE), new `__mod_init_func` " +
			"constructors (Mach-O), new `.init_array` entries or IFUNC resolvers (ELF) compared with the " +
			"previous release.\n\n" +
			"**Why it matters.** Load-time code runs as soon as the library is loaded, in every process " +
			"that loads it. The 3CX macOS dylib and the xz-utils backdoor both entered this way.\n\n" +
			"**What to do.** Find the source change that added the initialiser." + whatToDoRelease,
	},
	"bin.entropy-jump": {
		"A binary has a new high-entropy region compared with the previous release.",
		"**What it means.** A section, resource or overlay of this file became much more random than " +
			"before, or a new high-entropy region appeared: compressed or encrypted data.\n\n" +
			"**Why it matters.** Encrypted payloads and packed code are high-entropy; a component that " +
			"suddenly carries such data without a matching feature change may hide a payload.\n\n" +
			"**What to do.** Look at where the region is (evidence) and what reads it.",
	},
	"bin.size-jump": {
		"A binary grew or shrank out of proportion to the version change.",
		"**What it means.** The file's size changed much more than its neighbours' or than a patch " +
			"release normally explains.\n\n" +
			"**Why it matters.** Implants add code and data; the 3CX `d3dcompiler_47.dll` grew by its " +
			"hidden payload, and the Shai-Hulud worm added a multi-megabyte `bundle.js`.\n\n" +
			"**What to do.** Check the other findings for this file and the changelog; unexplained " +
			"growth needs a look at what was added.",
	},
	"bin.overlay-growth": {
		"Data appended after a binary's image grew or appeared.",
		"**What it means.** The overlay (bytes after the last section that no header accounts for) is " +
			"new or larger than in the previous release.\n\n" +
			"**Why it matters.** Appended data is not covered by an Authenticode signature and is where " +
			"droppers keep configuration and payloads. Installers with appended archives are a benign " +
			"cause.\n\n" +
			"**What to do.** Check whether the build appends data on purpose and what reads it.",
	},
	"bin.vendored-mismatch": {
		"A well-known redistributable does not match any known build of it.",
		"**What it means.** A component other vendors ship unchanged (a Microsoft runtime, " +
			"`d3dcompiler_47.dll`, Electron's `ffmpeg.dll`) has a hash that matches no known build, or " +
			"version information that disagrees with its neighbours.\n\n" +
			"**Why it matters.** Both DLLs abused in the 3CX compromise were such redistributables. " +
			"Nobody should need to modify them.\n\n" +
			"**What to do.** Replace the file with the vendor's original and diff the two.",
	},
	"pe.same-digest-new-bytes": {
		"A PE file changed, but its Authenticode digest is the same as in the previous release.",
		"**What it means.** The file's bytes differ from the previous release, yet the signed digest is " +
			"identical: only regions the signature does not cover changed (the certificate table, data " +
			"after it, the checksum).\n\n" +
			"**Why it matters.** A rebuilt file would change its digest. A file that changed only " +
			"outside the signature was edited after signing, the shape of the 3CX `d3dcompiler_47.dll`.\n\n" +
			"**What to do.** Compare the unsigned regions of the two versions." + whatToDoRelease,
	},
	"pe.cert-table-growth": {
		"A PE file's certificate table grew compared with the previous release.",
		"**What it means.** The Authenticode certificate table is larger than before, or gained bytes " +
			"its signatures do not account for.\n\n" +
			"**Why it matters.** The certificate table is not covered by the signature; growth there " +
			"without a new or additional signature is the CVE-2013-3900 hiding place.\n\n" +
			"**What to do.** Check whether the file was re-signed (a new signer or a dual signature " +
			"explains growth); otherwise look at the extra bytes." + whatToDoRelease,
	},
	"sig.signer-changed": {
		"A file is signed by a different certificate than in the previous release, or was signed long after it was built.",
		"**What it means.** The signer's subject or issuing CA differs from the previous release's " +
			"signature of the same file, or the new file was signed months after its build time while " +
			"the previous one was not.\n\n" +
			"**Why it matters.** Certificates are renewed, but a new signer can also mean a stolen or " +
			"fraudulently issued certificate, or an old build re-signed (ShadowHammer, 2019).\n\n" +
			"**What to do.** Confirm the new certificate with the vendor's announced signing identity.",
	},
	"sig.signature-removed": {
		"A file that was signed in the previous release is unsigned now.",
		"**What it means.** The previous release's version of this file carried a signature; this one " +
			"carries none.\n\n" +
			"**Why it matters.** Dropping a signature is what happens when someone replaces a file after " +
			"the signing step and cannot sign it.\n\n" +
			"**What to do.** Check the signing step of the build; a signed file should stay signed." +
			whatToDoRelease,
	},
	"net.new-endpoint": {
		"A file contains a URL, host or IP address it did not contain before.",
		"**What it means.** An endpoint (also after decoding UTF-16, XOR or base64) is new compared with " +
			"the previous release. Raw IPs, raw-content and paste hosts, webhooks, look-alike vendor " +
			"domains and cheap TLDs score higher.\n\n" +
			"**Why it matters.** Implants need somewhere to call; 3CX, Codecov, ua-parser-js and " +
			"torchtriton all added one.\n\n" +
			"**What to do.** Check that the endpoint belongs to the vendor or a service the component is " +
			"meant to use.",
	},
	"str.obfuscated-literal": {
		"A file gained an obfuscated or encoded literal.",
		"**What it means.** New single-byte-XOR-encoded well-known strings (`Mozilla/5.0`, `http`, " +
			"`/bin/sh`), base64+deflate blobs, `_0x` identifier swarms or an RC4-like key schedule " +
			"appeared.\n\n" +
			"**Why it matters.** Legitimate code rarely hides its own strings; malware does, to get past " +
			"string-based review (3CX macOS, SUNBURST, chalk, node-ipc).\n\n" +
			"**What to do.** Decode the literal (the evidence shows the encoding) and find the code that " +
			"uses it.",
	},
	"pkg.install-hook-added": {
		"A package added or changed an install hook.",
		"**What it means.** Compared with the previous version, a `preinstall`/`install`/`postinstall` " +
			"script, a `setup.py` cmdclass, a `.pth` file or a build script is new or different.\n\n" +
			"**Why it matters.** Hijacked releases (ua-parser-js, Shai-Hulud, Nx) added an install hook " +
			"that runs on every machine and CI runner installing the package. High when the hook runs a " +
			"newly added file.\n\n" +
			"**What to do.** Read the hook and the file it runs; hold the version until its maintainers " +
			"confirm it.",
	},
	"pkg.new-dependency": {
		"A package added a dependency.",
		"**What it means.** A dependency is new compared with the previous version of this package.\n\n" +
			"**Why it matters.** A new dependency in a patch release, especially a young, typo-near or " +
			"internal-looking name, is how event-stream pulled in flatmap-stream and how torchtriton " +
			"was injected.\n\n" +
			"**What to do.** Check who publishes the new dependency, when it was first published, and " +
			"why this release needs it.",
	},
	"pkg.native-binary-added": {
		"A script package gained a native executable.",
		"**What it means.** An ELF, PE or Mach-O file appears in a package that previously shipped only " +
			"scripts, or the package now downloads a runtime at install.\n\n" +
			"**Why it matters.** Binaries in script packages escape source review (torchtriton, " +
			"Shai-Hulud).\n\n" +
			"**What to do.** Find the source and build of the binary; a reproducible build from the " +
			"package's repository should produce it.",
	},
	"pkg.maintainer-script-changed": {
		"A system package's maintainer script changed.",
		"**What it means.** A deb `preinst`/`postinst`/`prerm`/`postrm` or an rpm scriptlet differs " +
			"from the previous version.\n\n" +
			"**Why it matters.** Maintainer scripts run as root at install and upgrade time.\n\n" +
			"**What to do.** Read the script diff; changes should match the package's changelog.",
	},
	"pkg.secret-harvest": {
		"Code reads credentials or secrets and may send them out.",
		"**What it means.** The file reads `~/.npmrc`, `~/.ssh`, `~/.aws`, `.env`, the whole " +
			"environment, the cloud metadata address, `gh auth token` or runner memory, possibly " +
			"together with a network call.\n\n" +
			"**Why it matters.** Token theft is the goal of most package hijacks (Codecov, Shai-Hulud, " +
			"Nx, tj-actions).\n\n" +
			"**What to do.** Treat any machine that installed this version as exposed: rotate the " +
			"credentials it could reach." + whatToDoRelease,
	},
	"pkg.global-hook": {
		"A package script newly overrides globals that other code relies on.",
		"**What it means.** A script in the package, new or changed in this release, replaces or wraps " +
			"shared objects: `fetch`, `XMLHttpRequest.prototype`, `window.ethereum`, `require` or " +
			"similar, or matches wallet addresses.\n\n" +
			"**Why it matters.** Hooking globals lets a small utility library read or rewrite every request " +
			"and transaction of the application that imports it (the chalk/debug hijack of 2025 swapped " +
			"crypto-wallet addresses this way; event-stream targeted one wallet app).\n\n" +
			"**What to do.** Check why a library of this kind needs to touch globals; hold the version " +
			"until its maintainers confirm the change.",
	},
	"pkg.ai-agent-abuse": {
		"A package script newly drives an AI coding agent.",
		"**What it means.** A new or changed script runs an AI command-line assistant (often with flags " +
			"that skip its permission prompts) or builds prompts for one.\n\n" +
			"**Why it matters.** The Nx compromise (2025) used installed AI assistants to search the " +
			"victim's disk for secrets and wallets. A package has no reason to run one at install or " +
			"import time.\n\n" +
			"**What to do.** Treat the release as malicious until explained; check machines that installed " +
			"it for exfiltrated files and rotate their credentials.",
	},
	"pkg.destructive-or-persistent": {
		"A package script newly persists itself or destroys data.",
		"**What it means.** A new or changed script writes to shell start-up files, CI workflow files, " +
			"LaunchAgents, cron or services, or deletes and overwrites files in loops.\n\n" +
			"**Why it matters.** Persistence keeps an implant running after the package is removed; " +
			"destructive loops are sabotage (node-ipc, 2022; the Shai-Hulud worm's CI workflows and " +
			"its wiper fallback).\n\n" +
			"**What to do.** Read the script; check machines that installed the version for the files it " +
			"writes." + whatToDoRelease,
	},
	"pkg.targeting-gate": {
		"A package script newly decides whom to hit: geolocation, locale, date or sandbox checks.",
		"**What it means.** A new or changed script looks up the machine's location or locale, waits for " +
			"a date or a long delay, or checks for sandboxes and virtual machines before acting.\n\n" +
			"**Why it matters.** Targeted payloads hide from analysts and most users this way (node-ipc's " +
			"geolocation wiper, ShadowHammer's MAC-address list, SUNBURST's dormancy, the 3CX 7-day " +
			"timer).\n\n" +
			"**What to do.** Find what the gate protects; a library rarely needs any of these checks.",
	},
	"data.unexpected-location": {
		"A file appeared where data of its kind does not belong.",
		"**What it means.** A new file's kind does not fit its place in the release: an executable or " +
			"a high-entropy blob among test fixtures, documentation or assets.\n\n" +
			"**Why it matters.** The xz-utils backdoor hid in test files; flatmap-stream hid in " +
			"`test/data.js`.\n\n" +
			"**What to do.** Find what references the file, especially from build scripts.",
	},
	"delta.combined": {
		"Several changes to one file together look like tampering.",
		"**What it means.** No single change is conclusive, but together (for example a new library, " +
			"a new endpoint and a loss of signature in one component) they form the pattern of an " +
			"implant. The evidence lists the contributing findings.\n\n" +
			"**Why it matters.** Real compromises show several small signals at once; this finding " +
			"weighs them together.\n\n" +
			"**What to do.** Work through the listed changes with the component's owner." + whatToDoRelease,
	},
}
