// Scripts that allocate executable memory: shellcode runners.

rule py_ctypes_shellcode {
  meta:
    description = "Allocates executable memory from Python and runs it (shellcode-runner pattern)"
    risk = "high"
    kinds = "script/python"
  strings:
    $ct = /\bctypes\b/
    $a1 = "VirtualAlloc"
    $a2 = /\bPROT_EXEC\b/
    $a3 = "PAGE_EXECUTE_READWRITE"
    $r1 = "CreateThread"
    $r2 = "CFUNCTYPE"
    $r3 = "RtlMoveMemory"
    $r4 = /\bctypes\.cast\s*\(/
  condition:
    $ct and any of ($a*) and any of ($r*)
}

rule ps_shellcode {
  meta:
    description = "Allocates executable memory from PowerShell and runs it (shellcode-runner pattern)"
    risk = "high"
    kinds = "script/powershell"
  strings:
    $a = "VirtualAlloc" nocase
    $r1 = "CreateThread" nocase
    $r2 = "GetDelegateForFunctionPointer" nocase
    $c1 = "Marshal]::Copy" nocase
    $c2 = "DllImport" nocase
    $c3 = "Add-Type" nocase
  condition:
    $a and any of ($r*) and any of ($c*)
}
