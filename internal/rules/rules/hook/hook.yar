// Global API hooks: replacing browser/runtime functions every other piece of
// code relies on (the 2025 chalk/debug hijack wrapped fetch and XHR to
// rewrite wallet addresses), and native hooking/injection libraries.

rule xhr_prototype_override {
  meta:
    description = "Replaces XMLHttpRequest methods for every page script (global request hook)"
    risk = "medium"
    kinds = "script/js"
  strings:
    $a = /XMLHttpRequest\.prototype\.(open|send|setRequestHeader|onreadystatechange)\s*=[^=]/
    $b = /(window|globalThis|self)\.XMLHttpRequest\s*=[^=]/
  condition:
    any of them
}

rule fetch_override {
  meta:
    description = "Replaces the global fetch function (global request hook)"
    risk = "medium"
    kinds = "script/js"
  strings:
    $a = /(window|globalThis|self|global)\.fetch\s*=[^=]/
    $b = /defineProperty\s*\(\s*(window|globalThis|self|global)\s*,\s*["']fetch["']/
  condition:
    any of them
}

rule ethereum_provider {
  meta:
    description = "Talks to the browser's crypto wallet (window.ethereum)"
    risk = "medium"
    kinds = "script/js"
  strings:
    $e = /window\.ethereum\b/
    $m = /\b(eth_sendTransaction|eth_requestAccounts|eth_accounts|personal_sign|eth_signTypedData\w*)\b/
  condition:
    $e and $m
}

rule ethereum_provider_override {
  meta:
    description = "Replaces the browser wallet's request functions (can rewrite transactions)"
    risk = "high"
    kinds = "script/js"
  strings:
    $a = /window\.ethereum\.(request|send|sendAsync)\s*=[^=]/
    $b = /window\.ethereum\s*=\s*new\s+Proxy\s*\(/
  condition:
    any of them
}

rule node_require_hijack {
  meta:
    description = "Replaces Node's module loader (intercepts every require)"
    risk = "medium"
    kinds = "script/js"
  strings:
    $a = /Module\.prototype\.require\s*=[^=]/
    $b = /Module\._(load|resolveFilename|compile)\s*=[^=]/
  condition:
    any of them
}

rule node_http_override {
  meta:
    description = "Replaces Node's http/https request functions (global request hook)"
    risk = "medium"
    kinds = "script/js"
  strings:
    $a = /\b(https?)\.(request|get)\s*=[^=]/
  condition:
    $a
}

rule py_import_hook {
  meta:
    description = "Hooks Python's import machinery (sys.meta_path, builtins.__import__)"
    risk = "low"
    kinds = "script/python"
  strings:
    $a = /\bsys\.meta_path\.(insert|append)\s*\(/
    $b = /\b(builtins|__builtins__)\.__import__\s*=[^=]/
  condition:
    any of them
}

rule preload_injection {
  meta:
    description = "Injects a library into other programs through LD_PRELOAD or DYLD_INSERT_LIBRARIES"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $a = /\bLD_PRELOAD=\S/ ascii
    $b = /\bDYLD_INSERT_LIBRARIES=\S/ ascii
    $c = /(env|environ)\[\s*["'](LD_PRELOAD|DYLD_INSERT_LIBRARIES)["']\s*\]\s*=[^=]/
    $d = /process\.env\.(LD_PRELOAD|DYLD_INSERT_LIBRARIES)\s*=[^=]/
  condition:
    any of them
}

rule native_hook_library {
  meta:
    description = "Hooks functions in its own or other processes (Detours, MinHook)"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $d1 = "DetourAttach" fullword ascii
    $d2 = "DetourTransactionCommit" fullword ascii
    $m1 = "MH_CreateHook" fullword ascii
    $m2 = "MH_EnableHook" fullword ascii
  condition:
    any of them
}
