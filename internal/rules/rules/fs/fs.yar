// File-system access that tells a reader something: reading the program's
// own file or its neighbours (the 3CX ffmpeg.dll read d3dcompiler_47.dll
// next to it), walking directories. Plain file I/O is not a capability.

rule win_read_module_path {
  meta:
    description = "Finds its own file path and opens files by name (reads itself or files next to it)"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $m1 = "GetModuleFileNameA" fullword ascii
    $m2 = "GetModuleFileNameW" fullword ascii
    $m3 = "GetModuleFileNameExW" fullword ascii
    $o1 = "CreateFileA" fullword ascii
    $o2 = "CreateFileW" fullword ascii
    $o3 = "_wfopen" fullword ascii
    $r1 = "ReadFile" fullword ascii
    $r2 = "MapViewOfFile" fullword ascii
    $r3 = "fread" fullword ascii
  condition:
    any of ($m*) and any of ($o*) and any of ($r*)
}

rule proc_self_exe {
  meta:
    description = "Reads its own executable through /proc/self/exe"
    risk = "low"
    kinds = "elf"
    os = "linux"
  strings:
    $a = "/proc/self/exe" ascii
  condition:
    $a
}

rule macos_executable_path {
  meta:
    description = "Finds its own executable path (macOS)"
    risk = "low"
    kinds = "macho,macho-fat"
    os = "macos"
  strings:
    $a = "_NSGetExecutablePath" ascii
    $b = "proc_pidpath" fullword ascii
  condition:
    any of them
}

rule directory_walk {
  meta:
    description = "Lists directory contents"
    risk = "low"
    kinds = "native"
  strings:
    $w1 = "FindFirstFileA" fullword ascii
    $w2 = "FindFirstFileW" fullword ascii
    $w3 = "FindFirstFileExA" fullword ascii
    $w4 = "FindFirstFileExW" fullword ascii
    $p1 = /[\x00_]readdir(64)?\x00/
    $p2 = /[\x00_]nftw(64)?\x00/
    $p3 = /[\x00_]fts_open\x00/
    $g1 = "os.ReadDir" ascii
    $g2 = "path/filepath.WalkDir" ascii
    $g3 = "os.(*File).ReadDir" ascii
  condition:
    any of them
}
