// Noticing debuggers, virtual machines, sandboxes and analysis tools.

rule win_debugger_check {
  meta:
    description = "Checks whether a debugger is attached (IsDebuggerPresent and friends)"
    risk = "low"
    kinds = "pe"
    os = "windows"
  strings:
    $a = "IsDebuggerPresent" fullword ascii
    $b = "CheckRemoteDebuggerPresent" fullword ascii
    $c = "NtQueryInformationProcess" fullword ascii
    $d = "OutputDebugStringA" fullword ascii
  condition:
    $a or $b or ($c and $d)
}

rule ptrace_use {
  meta:
    description = "Uses ptrace (debugging, or refusing to be debugged)"
    risk = "low"
    kinds = "elf,macho,macho-fat"
  strings:
    $a = /[\x00_]ptrace\x00/
  condition:
    $a
}

rule tracer_check {
  meta:
    description = "Reads TracerPid to see whether it is being debugged"
    risk = "medium"
    kinds = "native,script/*"
    os = "linux"
  strings:
    $a = "TracerPid" ascii
    $b = "/proc/self/status" ascii
  condition:
    $a and $b
}

rule vm_detect {
  meta:
    description = "Looks for signs of running in a virtual machine (VirtualBox, VMware, QEMU artefacts)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $v1 = "VBoxService" nocase ascii wide
    $v2 = "VBoxTray" nocase ascii wide
    $v3 = "VBOX HARDDISK" nocase ascii wide
    $v4 = "vboxguest" nocase ascii wide
    $w1 = "vmtoolsd" nocase ascii wide
    $w2 = "VMware Virtual" nocase ascii wide
    $w3 = "vmmouse" nocase ascii wide
    $w4 = "VMware Tools" nocase ascii wide
    $q1 = "QEMU HARDDISK" nocase ascii wide
    $q2 = "qemu-ga" nocase ascii wide
    $x1 = "xenservice" nocase ascii wide
    $h1 = "HARDWARE\\ACPI\\DSDT\\VBOX" nocase ascii wide
    $p1 = "prl_tools" nocase ascii wide
    $m1 = /08[:-]00[:-]27[:-]/ ascii wide
    $m2 = /00[:-]0C[:-]29[:-]/ nocase ascii wide
  condition:
    3 of them
}

rule sandbox_detect {
  meta:
    description = "Looks for sandbox or analysis-environment artefacts (Sandboxie, Cuckoo, common sandbox user names)"
    risk = "medium"
    kinds = "native,script/*"
  strings:
    $d1 = "SbieDll.dll" nocase ascii wide
    $d2 = "cuckoomon" nocase ascii wide
    $d3 = "api_log.dll" nocase ascii wide
    $d4 = "dir_watch.dll" nocase ascii wide
    $d5 = "pstorec.dll" nocase ascii wide
    $u1 = /["'](sandbox|malware|maltest|currentuser|virus|john doe)["']/ nocase ascii wide
  condition:
    2 of them
}

rule analysis_tool_check {
  meta:
    description = "Looks for running analysis tools by name (debuggers, monitors, sniffers)"
    risk = "high"
    kinds = "native,script/*"
  strings:
    $t1 = "wireshark.exe" nocase ascii wide
    $t2 = "procmon.exe" nocase ascii wide
    $t3 = "procexp.exe" nocase ascii wide
    $t4 = "x64dbg.exe" nocase ascii wide
    $t5 = "x32dbg.exe" nocase ascii wide
    $t6 = "ollydbg.exe" nocase ascii wide
    $t7 = "ida64.exe" nocase ascii wide
    $t8 = "idaq.exe" nocase ascii wide
    $t9 = "fiddler.exe" nocase ascii wide
    $t10 = "tcpview.exe" nocase ascii wide
    $t11 = "processhacker.exe" nocase ascii wide
    $t12 = "autoruns.exe" nocase ascii wide
    $t13 = "dumpcap.exe" nocase ascii wide
    $t14 = "httpdebuggerui.exe" nocase ascii wide
    $t15 = "immunitydebugger.exe" nocase ascii wide
  condition:
    3 of them
}

rule js_debugger_trap {
  meta:
    description = "Traps browser/Node debuggers with repeated debugger statements"
    risk = "medium"
    kinds = "script/js"
  strings:
    $a = /(setInterval|setTimeout)\s*\(\s*(function\s*\(\s*\)\s*\{|\(\s*\)\s*=>\s*\{?)\s*debugger\b/
    $b = /while\s*\(\s*(true|!0|1)\s*\)\s*\{?\s*debugger\b/
    $c = /["']debu["']\s*\+\s*["']gger["']/
  condition:
    any of them
}
