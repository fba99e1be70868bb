#!/usr/bin/env bash
# Checks the first-party YARA rules in internal/rules/rules with the yara CLI,
# independently of vouch's own engine:
#
#   scripts/check-rules.sh                 # lint + compile + testdata/expect.txt
#   scripts/check-rules.sh scan FILE|DIR…  # print the capabilities of real files
#
# Needs the Debian package yara (4.2+) and python3. Emulates what the engine
# does around libyara: picks a file's kind (magic bytes, then name), runs only
# the rules whose meta "kinds" cover it, defines the externals vouch_kind,
# vouch_path, vouch_name and vouch_is_script, and strips comments from
# scripts first.
# The stripper here is a simple tokenizer for the fixtures, not the engine's.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
command -v yara >/dev/null || { echo "check-rules: yara not installed (apt-get install -y yara)" >&2; exit 2; }
exec python3 - "$root/internal/rules/rules" "$@" <<'PY'
import os, re, subprocess, sys, tempfile

rules_dir, args = sys.argv[1], sys.argv[2:]
NAMESPACES = ["net", "exec", "mem", "fs", "credential", "crypto", "persist", "evasion",
              "anti-analysis", "collect", "exfil", "impact", "install-hook", "obfuscation",
              "hook", "wallet", "ai-agent"]
NATIVE = ["pe", "elf", "macho", "macho-fat"]
KIND_TOKENS = set(NATIVE) | {"native", "script/js", "script/python", "script/shell",
    "script/powershell", "script/batch", "script/*", "text/json", "*"}
RISKS = {"low", "medium", "high", "critical"}
failures = []

def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)

# ---- rule files and their meta (parsed here, not from yara's output) -------
rule_files = []
for ns in sorted(os.listdir(rules_dir)):
    d = os.path.join(rules_dir, ns)
    if not os.path.isdir(d) or ns == "testdata":
        continue
    if ns not in NAMESPACES:
        fail(f"unknown namespace folder {ns}")
    for f in sorted(os.listdir(d)):
        if f.endswith(".yar"):
            rule_files.append((ns, os.path.join(d, f)))

rule_re = re.compile(r'^rule\s+(\w+)\s*\{(.*?)^\}', re.S | re.M)
meta_re = re.compile(r'^\s*(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"', re.M)
rules = {}  # id -> meta
for ns, path in rule_files:
    text = open(path).read()
    for name, body in rule_re.findall(text):
        rid = f"{ns}/{name.replace('_', '-')}"
        if name in {r["name"] for r in rules.values()}:
            fail(f"{path}: rule name {name} is not unique")
        mpart = body.split("strings:")[0].split("condition:")[0]
        meta = dict(meta_re.findall(mpart))
        meta["name"] = name
        meta["file"] = path
        for k in ("description", "risk", "kinds"):
            if not meta.get(k):
                fail(f"{rid}: missing meta {k}")
        if meta.get("risk") not in RISKS:
            fail(f"{rid}: bad risk {meta.get('risk')!r}")
        for k in meta.get("kinds", "").split(","):
            if k.strip() not in KIND_TOKENS:
                fail(f"{rid}: bad kind {k!r}")
        for k in meta:
            if k not in ("description", "risk", "kinds", "os", "name", "file"):
                fail(f"{rid}: unexpected meta {k}")
        rules[rid] = meta
for ns in NAMESPACES:
    if not any(r.startswith(ns + "/") for r in rules):
        fail(f"namespace {ns} has no rules")

def covers(kinds, kind):
    for k in (x.strip() for x in kinds.split(",")):
        if k == "*" or k == kind:
            return True
        if k == "native" and kind in NATIVE:
            return True
        if k == "script/*" and kind.startswith("script/"):
            return True
    return False

# ---- kinds, as identify does it (magic first, then name) -------------------
EXT = {".js": "script/js", ".mjs": "script/js", ".cjs": "script/js", ".ts": "script/js",
       ".py": "script/python", ".pth": "script/python", ".sh": "script/shell",
       ".bash": "script/shell", ".ps1": "script/powershell", ".psm1": "script/powershell",
       ".bat": "script/batch", ".cmd": "script/batch", ".json": "text/json"}
SHELL_NAMES = {"preinst", "postinst", "prerm", "postrm", "config", "configure", "install.sh"}

def kind_of(path):
    with open(path, "rb") as f:
        h = f.read(4096)
    if h[:2] == b"MZ" and len(h) >= 0x40:
        off = int.from_bytes(h[0x3c:0x40], "little")
        if h[off:off + 4] == b"PE\0\0":
            return "pe"
    if h[:4] == b"\x7fELF":
        return "elf"
    if h[:4] in (b"\xfe\xed\xfa\xce", b"\xce\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe"):
        return "macho"
    if h[:4] in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"):
        return "macho-fat"
    if b"\0" in h:
        return "data"
    if h.startswith(b"#!"):
        line = h[2:].split(b"\n")[0].decode("latin-1").split()
        prog = os.path.basename(line[0]) if line else "sh"
        if prog == "env":
            prog = next((a for a in line[1:] if not a.startswith("-")), "sh")
        if prog in ("node", "deno", "bun", "ts-node"):
            return "script/js"
        if prog.startswith("python"):
            return "script/python"
        if prog in ("pwsh", "powershell"):
            return "script/powershell"
        return "script/shell"
    base = os.path.basename(path).lower()
    ext = os.path.splitext(base)[1]
    if ext in EXT:
        return EXT[ext]
    if base in SHELL_NAMES:
        return "script/shell"
    return "text"

# ---- comment stripping ------------------------------------------------------
def strip_c_like(s, hash_comments=False, template=True):
    out, i, n = [], 0, len(s)
    prev = ""  # last significant char, to tell a regex literal from division
    while i < n:
        c = s[i]
        if c in "\"'" or (c == "`" and template):
            j = i + 1
            while j < n and s[j] != c:
                j += 2 if s[j] == "\\" else 1
            out.append(s[i:j + 1]); prev = c; i = j + 1
        elif s.startswith("//", i) and not hash_comments:
            j = s.find("\n", i)
            j = n if j < 0 else j
            out.append(" "); i = j
        elif s.startswith("/*", i) and not hash_comments:
            j = s.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(" " + "\n" * s.count("\n", i, j)); i = j
        elif c == "/" and not hash_comments and (prev == "" or prev in "(,=:[!&|?{};+-*%<>~^"):
            j = i + 1
            cls = False
            while j < n and s[j] != "\n" and (s[j] != "/" or cls):
                if s[j] == "\\":
                    j += 1
                elif s[j] == "[":
                    cls = True
                elif s[j] == "]":
                    cls = False
                j += 1
            out.append(s[i:j + 1]); prev = "/"; i = j + 1
        else:
            out.append(c)
            if not c.isspace():
                prev = c
            i += 1
    return "".join(out)

def strip_python(s):
    out, i, n = [], 0, len(s)
    at_stmt = True  # only whitespace since the last newline or ';'
    while i < n:
        c = s[i]
        m = re.match(r'[rRbBuUfF]{0,2}("""|\'\'\'|"|\')', s[i:i + 5])
        if m and (i == 0 or not (s[i - 1].isalnum() or s[i - 1] == "_")):
            q = m.group(1)
            j = i + len(m.group(0))
            while j < n and not s.startswith(q, j):
                j += 2 if s[j] == "\\" else 1
            j = min(n, j + len(q))
            lit = s[i:j]
            # a string statement of its own is a docstring: drop it
            k = j
            while k < n and s[k] in " \t":
                k += 1
            if at_stmt and len(q) == 3 and (k >= n or s[k] in "\n#;"):
                out.append("\n" * lit.count("\n"))
            else:
                out.append(lit)
            at_stmt = False
            i = j
        elif c == "#":
            j = s.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            if c in "\n;":
                at_stmt = True
            elif not c.isspace():
                at_stmt = False
            i += 1
    return "".join(out)

def strip_hash(s, block=False):
    out, i, n = [], 0, len(s)
    while i < n:
        c = s[i]
        if block and s.startswith("<#", i):
            j = s.find("#>", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * s.count("\n", i, j)); i = j
        elif c in "\"'":
            j = i + 1
            while j < n and s[j] != c:
                j += 2 if (s[j] == "\\" and c == '"') or (s[j] == "`" and block) else 1
            out.append(s[i:j + 1]); i = j + 1
        elif c == "#" and (i == 0 or s[i - 1] in " \t\n;|&(") and not (i > 0 and s[i - 1] == "$"):
            if i == 0 and s.startswith("#!"):
                j = s.find("\n", i)
                j = n if j < 0 else j
                out.append(s[i:j]); i = j
                continue
            j = s.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c); i += 1
    return "".join(out)

def stripped(path, kind):
    s = open(path, "rb").read().decode("utf-8", "replace")
    if kind == "script/js":
        return strip_c_like(s)
    if kind == "script/python":
        return strip_python(s)
    if kind == "script/shell":
        return strip_hash(s)
    if kind == "script/powershell":
        return strip_hash(s, block=True)
    if kind == "script/batch":
        return "\n".join(l for l in s.split("\n") if not re.match(r"\s*(rem\b|::)", l, re.I))
    return s

# ---- scanning ---------------------------------------------------------------
def compile_all():
    for ns, path in rule_files:
        r = subprocess.run(["yara", "--fail-on-warnings", "-d", "vouch_kind=", "-d", "vouch_path=",
                            "-d", "vouch_name=", "-d", "vouch_is_script=false", path, "/dev/null"],
                           capture_output=True, text=True)
        if r.returncode != 0 or r.stderr.strip():
            fail(f"{path}: {r.stderr.strip()}")

_compiled = []
def compiled():
    # Compile once (yarac), then scan each file with its own externals.
    if not _compiled:
        fd, out = tempfile.mkstemp(suffix=".yarc")
        os.close(fd)
        import atexit
        atexit.register(os.unlink, out)
        r = subprocess.run(["yarac", "-d", "vouch_kind=", "-d", "vouch_path=", "-d", "vouch_name=",
                            "-d", "vouch_is_script=false"]
                           + [f"{ns}:{p}" for ns, p in rule_files] + [out], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"yarac: {r.stderr.strip()}")
        _compiled.append(out)
    return _compiled[0]

def scan(path, vpath=None):
    kind = kind_of(path)
    is_script = kind.startswith("script/")
    target = path
    tmp = None
    if is_script:
        tmp = tempfile.NamedTemporaryFile("wb", delete=False)
        tmp.write(stripped(path, kind).encode("utf-8", "replace"))
        tmp.close()
        target = tmp.name
    vp = vpath or path
    cmd = ["yara", "-e", "-C", compiled(), "-d", f"vouch_kind={kind}", "-d", f"vouch_path={vp}",
           "-d", f"vouch_name={os.path.basename(vp)}",
           "-d", f"vouch_is_script={'true' if is_script else 'false'}", target]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if tmp:
        os.unlink(tmp.name)
    if r.returncode != 0:
        fail(f"yara on {path}: {r.stderr.strip()}")
        return kind, []
    got = set()
    for line in r.stdout.splitlines():
        nsrule = line.split(" ", 1)[0]
        ns, name = nsrule.split(":", 1)
        rid = f"{ns}/{name.replace('_', '-')}"
        if covers(rules[rid]["kinds"], kind):
            got.add(rid)
    return kind, sorted(got)

if args and args[0] == "scan":
    for a in args[1:]:
        paths = [a] if os.path.isfile(a) else sorted(
            os.path.join(dp, f) for dp, _, fs in os.walk(a) for f in fs)
        for p in paths:
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            kind, got = scan(p)
            if got:
                caps = ", ".join(f"{g}({rules[g]['risk']})" for g in got)
                print(f"{p} [{kind}]: {caps}")
    sys.exit(1 if failures else 0)

compile_all()
td = os.path.join(rules_dir, "testdata")
expect = {}
for ln, line in enumerate(open(os.path.join(td, "expect.txt")), 1):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    f = line.split()
    if len(f) != 2:
        fail(f"expect.txt:{ln}: want 'fixture rule-id'")
        continue
    fx, rid = f
    expect.setdefault(fx, set())
    if rid != "-":
        if rid not in rules:
            fail(f"expect.txt:{ln}: unknown rule {rid}")
        expect[fx].add(rid)
fired = set()
for fx in sorted(expect):
    p = os.path.join(td, fx)
    if not os.path.isfile(p):
        fail(f"expect.txt: fixture {fx} missing")
        continue
    kind, got = scan(p, vpath=fx)
    fired |= set(got)
    if set(got) != expect[fx]:
        fail(f"{fx} [{kind}]: missing {sorted(expect[fx] - set(got))} unexpected {sorted(set(got) - expect[fx])}")
for dp, _, fs in os.walk(td):
    for f in fs:
        rel = os.path.relpath(os.path.join(dp, f), td)
        if rel not in expect and not rel.startswith("src/") and rel not in ("expect.txt", "gen.sh"):
            fail(f"fixture {rel} is not in expect.txt")
never = sorted(set(rules) - fired)
if never:
    fail(f"rules no fixture fires: {' '.join(never)}")
print(f"check-rules: {len(rules)} rules in {len(rule_files)} files, {len(expect)} fixtures, "
      f"{len(failures)} failures")
sys.exit(1 if failures else 0)
PY
