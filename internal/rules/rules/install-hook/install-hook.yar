// Code that runs when a package is installed: npm lifecycle scripts,
// setup.py command overrides, .pth files, maintainer scripts, and the
// download-and-run one-liners they tend to contain.

rule npm_lifecycle_script {
  meta:
    description = "npm package runs a script at install time (preinstall/install/postinstall)"
    risk = "low"
    kinds = "text/json"
  strings:
    $h = /"(preinstall|install|postinstall)"\s*:\s*"[^"]/
  condition:
    vouch_path matches /(^|\/)package\.json$/ and $h
}

rule npm_lifecycle_inline_code {
  meta:
    description = "npm install-time script runs inline code (node -e, python -c, sh -c)"
    risk = "medium"
    kinds = "text/json"
  strings:
    $h = /"(preinstall|install|postinstall)"\s*:\s*"[^"\n]{0,200}\b(node|bun|deno)(\.exe)?\s+(-e|--eval|-p|--print)\s/
    $p = /"(preinstall|install|postinstall)"\s*:\s*"[^"\n]{0,200}\bpython[0-9.]*\s+-c\s/
    $s = /"(preinstall|install|postinstall)"\s*:\s*"[^"\n]{0,200}\b(ba)?sh\s+-c\s/
  condition:
    vouch_path matches /(^|\/)package\.json$/ and any of them
}

rule npm_lifecycle_download {
  meta:
    description = "npm install-time script downloads something (curl, wget, a URL, PowerShell web client)"
    risk = "high"
    kinds = "text/json"
  strings:
    $a = /"(preinstall|install|postinstall)"\s*:\s*"[^"\n]{0,300}(\b(curl|wget|iwr|irm|Invoke-WebRequest|Invoke-RestMethod|bitsadmin|certutil)\b|https?:\/\/)/
  condition:
    vouch_path matches /(^|\/)package\.json$/ and $a
}

rule setup_py_install_override {
  meta:
    description = "setup.py replaces the install/develop/egg_info command (runs its own code at install)"
    risk = "medium"
    kinds = "script/python"
  strings:
    $cc = /\bcmdclass\s*=|["']cmdclass["']\s*:/
    $c1 = /\bclass\s+\w+\s*\(\s*(_?install|develop|egg_info|build_py|sdist|bdist_wheel)\s*\)/
    $c2 = /\bfrom\s+setuptools\.command\.(install|develop|egg_info)\s+import\b/
    $c3 = /["'](install|develop|egg_info)["']\s*:\s*\w+/
  condition:
    vouch_path matches /(^|\/)setup\.py$/ and $cc and any of ($c*)
}

rule setup_py_download_exec {
  meta:
    description = "setup.py downloads something and runs programs while installing"
    risk = "high"
    kinds = "script/python"
  strings:
    $n1 = /\b(urlopen|urlretrieve|requests\.get|httpx\.get)\s*\(/
    $n2 = /\b(curl|wget)\s+-/
    $x1 = /\bsubprocess\.(Popen|run|call|check_call|check_output)\s*\(/
    $x2 = /\bos\.(system|popen|exec\w*)\s*\(/
    $x3 = /(^|[^.\w])exec\s*\(/
  condition:
    vouch_path matches /(^|\/)setup\.py$/ and any of ($n*) and any of ($x*)
}

rule pth_import {
  meta:
    description = "Python .pth file runs code at every interpreter start-up (import line)"
    risk = "low"
    kinds = "script/python"
  strings:
    $i = /(^|\n)import[ \t]/
  condition:
    vouch_path matches /\.pth$/ and $i
}

rule pth_code_exec {
  meta:
    description = "Python .pth file decodes, downloads or runs programs at every interpreter start-up"
    risk = "high"
    kinds = "script/python"
  strings:
    $i = /(^|\n)import[ \t]/
    $x1 = /(^|[^.\w])(exec|eval)\s*\(/
    $x2 = /\b(b64decode|a85decode|b32decode|fromhex|decompress|marshal)\b/
    $x3 = /\b(subprocess|os\.system|os\.popen|urllib|urlopen|socket)\b/
  condition:
    vouch_path matches /\.pth$/ and $i and any of ($x*)
}

rule ps_download_cradle {
  meta:
    description = "Downloads PowerShell code and runs it immediately (download cradle)"
    risk = "high"
    kinds = "native,script/*,text/json"
  strings:
    $a = /(iex|Invoke-Expression)\s*\(?\s*\(?\s*(New-Object\s+(System\.)?Net\.WebClient\)?|\[System\.Net\.WebClient\]::new\(\)\)?)\.Download(String|Data)\s*\(/ nocase ascii wide
    $b = /(iwr|irm|Invoke-WebRequest|Invoke-RestMethod|curl|wget)\b[^\n|]{0,200}\|\s*(iex|Invoke-Expression)\b/ nocase ascii wide
    $c = /(iex|Invoke-Expression)\s*\(?\s*\(?\s*(iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b/ nocase ascii wide
    $d = /\.DownloadString\s*\([^\n]{0,200}\)\s*\|\s*(iex|Invoke-Expression)\b/ nocase ascii wide
  condition:
    any of them
}

rule shell_download_exec {
  meta:
    description = "Downloads a script and pipes it straight into a shell (curl | sh)"
    risk = "medium"
    kinds = "script/*,text/json"
  strings:
    $a = /\b(curl|wget)\b[^\n|;]{0,200}\|\s*(sudo\s+(-\w+\s+)*)?(ba|z|da)?sh\b/
    $b = /(ba|z)?sh\s+<\(\s*(curl|wget)\b/
    $c = /(ba|z)?sh\s+-c\s+["']?\$\(\s*(curl|wget)\b/
    $d = /\b(curl|wget)\b[^\n|;]{0,200}\|\s*(sudo\s+)?python[0-9.]*\s*(-\s*)?($|[;&|\n"'])/
  condition:
    any of them
}

rule maintainer_script_download {
  meta:
    description = "Debian/RPM maintainer script downloads something during package installation"
    risk = "medium"
    kinds = "script/shell"
  strings:
    $a = /(^|[\s;|&(`])(curl|wget)\s/
  condition:
    vouch_path matches /(^|\/)(preinst|postinst|prerm|postrm|%?(pre|post|preun|postun|pretrans|posttrans)(-[0-9]+)?)$/ and $a
}
