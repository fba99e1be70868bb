// Executable memory and writing into other processes.

rule win_virtual_protect {
  meta:
    description = "Changes memory page protection (VirtualProtect)"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "VirtualProtect" fullword ascii
    $b = "VirtualProtectEx" fullword ascii
    // The MinGW-w64 runtime imports VirtualProtect into every program it
    // links (pseudo-relocations); its error message marks those files.
    $mingw = "VirtualProtect failed with code 0x%x" ascii
  condition:
    any of ($a, $b) and not $mingw
}

rule win_rwx_alloc {
  meta:
    description = "Allocates memory that is writable and executable at once (VirtualAlloc with PAGE_EXECUTE_READWRITE)"
    risk = "medium"
    kinds = "pe"
    os = "windows"
  strings:
    $va = "VirtualAlloc" fullword ascii
    $vax = "VirtualAllocEx" fullword ascii
    // x64: mov r9d, 0x40 (flProtect) next to mov r8d, MEM_COMMIT[|MEM_RESERVE]
    $x64a = { 41 B9 40 00 00 00 [0-24] 41 B8 00 (10 | 30) 00 00 }
    $x64b = { 41 B8 00 (10 | 30) 00 00 [0-24] 41 B9 40 00 00 00 }
    // x86: push 0x40; push 0x3000 (MSVC) or stores to the argument slots (GCC)
    $x86a = { 6A 40 68 00 (10 | 30) 00 00 }
    $x86b = { C7 44 24 0C 40 00 00 00 [0-24] C7 44 24 08 00 (10 | 30) 00 00 }
    $x86c = { C7 44 24 08 00 (10 | 30) 00 00 [0-24] C7 44 24 0C 40 00 00 00 }
  condition:
    any of ($va, $vax) and any of ($x*)
}

rule posix_mprotect {
  meta:
    description = "Changes memory page protection (mprotect)"
    risk = "low"
    kinds = "elf,macho,macho-fat"
  strings:
    $a = /[\x00_]mprotect\x00/
  condition:
    any of them
}

rule macos_vm_protect {
  meta:
    description = "Changes memory protection with Mach VM calls or JIT pages (macOS)"
    risk = "low"
    kinds = "macho,macho-fat"
    os = "macos"
  strings:
    $a = "mach_vm_protect" fullword ascii
    $b = /[\x00_]vm_protect\x00/
    $c = "pthread_jit_write_protect_np" fullword ascii
  condition:
    any of them
}

rule remote_process_write {
  meta:
    description = "Writes into another process's memory and starts a thread there (injection APIs)"
    risk = "medium"
    kinds = "pe"
    os = "windows"
  strings:
    $w1 = "WriteProcessMemory" fullword ascii
    $w2 = "NtWriteVirtualMemory" fullword ascii
    $a1 = "VirtualAllocEx" fullword ascii
    $a2 = "NtAllocateVirtualMemory" fullword ascii
    $t1 = "CreateRemoteThread" fullword ascii
    $t2 = "CreateRemoteThreadEx" fullword ascii
    $t3 = "NtCreateThreadEx" fullword ascii
    $t4 = "QueueUserAPC" fullword ascii
    $t5 = "NtQueueApcThread" fullword ascii
  condition:
    any of ($w*) and any of ($a*) and any of ($t*)
}

rule process_hollowing {
  meta:
    description = "Has the API set used to replace another process's code (unmap, write, set thread context, resume)"
    risk = "medium"
    kinds = "pe"
    os = "windows"
  strings:
    $u1 = "NtUnmapViewOfSection" fullword ascii
    $u2 = "ZwUnmapViewOfSection" fullword ascii
    $w = "WriteProcessMemory" fullword ascii
    $c1 = "SetThreadContext" fullword ascii
    $c2 = "Wow64SetThreadContext" fullword ascii
    $r = "ResumeThread" fullword ascii
  condition:
    any of ($u*) and $w and any of ($c*) and $r
}

rule reflective_loader {
  meta:
    description = "Contains a reflective DLL loader (loads a DLL from memory, bypassing the OS loader)"
    risk = "high"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "ReflectiveLoader" ascii wide
    $b = "_ReflectiveLoader@" ascii
  condition:
    any of them
}

rule nt_memory_api {
  meta:
    description = "Looks up native NT memory APIs directly (NtAllocate/NtProtect/NtWriteVirtualMemory)"
    risk = "medium"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "NtAllocateVirtualMemory" fullword ascii
    $p = "NtProtectVirtualMemory" fullword ascii
    $w = "NtWriteVirtualMemory" fullword ascii
    $c = "NtCreateThreadEx" fullword ascii
  condition:
    3 of them
}

rule xor_decode_with_rwx {
  meta:
    description = "Decodes bytes with an XOR loop and makes memory writable and executable (payload unpacking)"
    risk = "high"
    kinds = "pe"
    os = "windows"
  strings:
    $va = "VirtualAlloc" fullword ascii
    $x64a = { 41 B9 40 00 00 00 [0-24] 41 B8 00 (10 | 30) 00 00 }
    $x64b = { 41 B8 00 (10 | 30) 00 00 [0-24] 41 B9 40 00 00 00 }
    $x86a = { 6A 40 68 00 (10 | 30) 00 00 }
    $x86b = { C7 44 24 0C 40 00 00 00 [0-24] C7 44 24 08 00 (10 | 30) 00 00 }
    // xor byte [base+index], imm8 followed closely by a backward jump: the
    // shape of a single-byte-key decode loop in size-optimised code
    $loop = { 80 34 ?? ?? [0-12] (72 | 75 | 7C | 7E | EB) (E? | F?) }
  condition:
    $va and any of ($x*) and $loop
}
