// Hiding what code does: obfuscator output, encoded code that is decoded
// and run, XOR- and base64-encoded well-known strings, packers.

rule js_hex_identifiers {
  meta:
    description = "JavaScript full of _0x... identifiers (obfuscator output)"
    risk = "medium"
    kinds = "script/js"
  strings:
    $x = /\b_0x[0-9a-f]{4,6}\b/
  condition:
    #x > 20
}

rule charcode_strings {
  meta:
    description = "Builds strings from character codes (String.fromCharCode / chr chains)"
    risk = "medium"
    kinds = "script/js,script/python"
  strings:
    $j1 = /String\.fromCharCode\s*\(\s*(0x[0-9a-fA-F]+|\d+)\s*(,\s*(0x[0-9a-fA-F]+|\d+)\s*){9,}\)/
    $j2 = /String\.fromCharCode\s*\(/
    $p1 = /(\bchr\s*\(\s*\d+\s*\)\s*\+\s*){8,}/
    $p2 = /["']["']\.join\s*\(\s*(map\s*\(\s*chr\s*,\s*|[\[(]\s*chr\s*\(\s*\w+\s*\)\s*for\s+\w+\s+in\s+)[\[(]\s*\d+\s*(,\s*\d+\s*){7,}/
  condition:
    $j1 or #j2 > 10 or $p1 or $p2
}

rule js_long_base64_decode {
  meta:
    description = "Decodes a long base64 literal at run time (atob / Buffer.from)"
    risk = "medium"
    kinds = "script/js"
  strings:
    $a = /atob\s*\(\s*["'`][A-Za-z0-9+\/=]{200,}["'`]/
    $b = /Buffer\.from\s*\(\s*["'`][A-Za-z0-9+\/=]{200,}["'`]\s*,\s*["']base64["']/
  condition:
    any of them
}

rule js_eval_decoded {
  meta:
    description = "Runs code that it decodes first (eval/Function of atob, Buffer.from, fromCharCode)"
    risk = "high"
    kinds = "script/js"
  strings:
    $a = /(\beval|new\s+Function|\bFunction)\s*\(\s*(atob|unescape|decodeURIComponent|String\.fromCharCode)\s*\(/
    $b = /(\beval|new\s+Function|\bFunction)\s*\(\s*Buffer\.from\s*\(/
    $c = /(\beval|new\s+Function|\bFunction)\s*\(\s*(require\(\s*["']zlib["']\s*\)|zlib)\.(inflate|gunzip|brotliDecompress)\w*Sync\s*\(/
    $d = /\bvm\.runIn(New|This)?Context\s*\(\s*(atob|Buffer\.from)\s*\(/
  condition:
    any of them
}

rule js_packer {
  meta:
    description = "Packed with a p,a,c,k,e,d-style JavaScript packer"
    risk = "medium"
    kinds = "script/js"
  strings:
    $a = /eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,\s*[dr]\s*\)/
  condition:
    $a
}

rule py_exec_decoded {
  meta:
    description = "Runs Python code that it decodes or decompresses first"
    risk = "high"
    kinds = "script/python"
  strings:
    $a = /(^|[^.\w])(exec|eval)\s*\(\s*(compile\s*\(\s*)?((base64|zlib|marshal|codecs|bz2|lzma|binascii)\.|__import__\s*\(\s*["'](base64|zlib|marshal|codecs)["']\s*\)\.)/
    $b = /(^|[^.\w])(exec|eval)\s*\(\s*(compile\s*\(\s*)?(b64decode|decompress|loads|bytes\.fromhex|unhexlify)\s*\(/
    $c = /(^|[^.\w])(exec|eval)\s*\([^\n]{0,80}\.decode\s*\(\s*["'](rot13|rot_13|hex|base64)["']/
  condition:
    any of them
}

rule pyarmor {
  meta:
    description = "Python code protected with PyArmor (obfuscated bytecode)"
    risk = "medium"
    kinds = "script/python"
  strings:
    $a = "__pyarmor__"
    $b = /\bpyarmor_runtime(_\d+)?\b/
  condition:
    any of them
}

rule ps_encoded_command {
  meta:
    description = "Runs PowerShell with a base64-encoded command line (-EncodedCommand)"
    risk = "medium"
    kinds = "native,script/*,text/json"
  strings:
    $a = /powershell(\.exe)?["']?\s[^\n]{0,80}\s-e(nc|ncodedcommand|c)?\s+["']?[A-Za-z0-9+\/]{20,}/ nocase ascii wide
  condition:
    $a
}

rule ps_decode_and_run {
  meta:
    description = "Decodes base64 in PowerShell and runs the result"
    risk = "high"
    kinds = "script/*"
  strings:
    $d = /\[(System\.)?Convert\]::FromBase64String/ nocase
    $x = /(\biex\b|Invoke-Expression|\.Invoke\s*\(|\[scriptblock\]::Create)/ nocase
  condition:
    $d and $x
}

rule shell_base64_exec {
  meta:
    description = "Decodes base64 in the shell and runs the result"
    risk = "high"
    kinds = "script/*,text/json"
  strings:
    $a = /base64\s+(-d|--decode|-D)\b[^\n|]{0,40}\|\s*(sudo\s+)?(ba|z|da)?sh\b/
    $b = /eval\s+["']?\$\([^)\n]{0,200}base64\s+(-d|--decode|-D)\b/
    $c = /(ba)?sh\s+-c\s+["']?\$\([^)\n]{0,200}base64\s+(-d|--decode|-D)\b/
  condition:
    any of them
}

rule xor_encoded_literal {
  meta:
    description = "Hides well-known strings (URLs, shells, browser User-Agent) with single-byte XOR"
    risk = "medium"
    kinds = "native"
  strings:
    // Each string costs 255 patterns: keep the list to the strings
    // implants most often hide.
    $h1 = "http://" xor(0x01-0xff)
    $h2 = "https://" xor(0x01-0xff)
    $u = "Mozilla/5.0 (" xor(0x01-0xff)
    $s = "/bin/sh" xor(0x01-0xff)
    $c = "cmd.exe /c" xor(0x01-0xff)
  condition:
    any of them
}

rule base64_encoded_literal {
  meta:
    description = "Hides code-related strings (shell, PowerShell, child_process, eval) in base64"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a = "powershell" base64
    $b = "/bin/sh -c" base64
    $c = "/bin/bash" base64
    $d = "child_process" base64
    $e = "cmd.exe /c" base64
    $f = "Invoke-Expression" base64
    $g = "subprocess" base64
    $h = "DownloadString" base64
  condition:
    any of them
}

rule hex_escape_run {
  meta:
    description = "Contains long runs of hex-escaped bytes in a string literal"
    risk = "low"
    kinds = "script/js,script/python"
  strings:
    $a = /(\\x[0-9a-fA-F]{2}){40,}/
  condition:
    $a
}

rule upx_packed {
  meta:
    description = "Packed with UPX (code is compressed and unpacked in memory at start)"
    risk = "low"
    kinds = "native"
  strings:
    $m = "UPX!" ascii
    $s0 = "UPX0" ascii
    $s1 = "UPX1" ascii
    $i = "$Info: This file is packed with the UPX" ascii
  condition:
    ($m and any of ($s*)) or $i
}

rule script_xor_decode {
  meta:
    description = "Decodes strings with XOR in a script (charCodeAt ^ key, ord(c) ^ key)"
    risk = "medium"
    kinds = "script/js,script/python,script/powershell"
  strings:
    $j1 = /charCodeAt\s*\([^)]{0,40}\)\s*\^\s*[\w\[\]().]{1,60}/
    $j2 = /String\.fromCharCode\s*\(/
    $p1 = /\bchr\s*\(\s*(ord\s*\([^)]{1,40}\)|\w+)\s*\^\s*[\w\[\]()%. ]{1,60}\)/
    // bytes(b ^ k for b in data); not bytes(x ^ 0x5c for x in range(256)),
    // the HMAC pad tables
    $p2 = /\bbytes\s*\(\s*\(?\s*\w+\s*\^\s*[\w\[\]()%. ]{1,60}\s+for\s+\w+\s+in\s+[A-Za-z_][\w.]*\s*\)/
    $ps = /\[char\]\s*\(?\s*\$\w+\s*-bxor\s*/ nocase
  condition:
    ($j1 and $j2) or any of ($p*) or $ps
}
